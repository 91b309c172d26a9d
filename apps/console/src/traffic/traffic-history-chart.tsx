import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { rangeMs, type RangeKey } from '../health/time-ranges';
import { TimeChart, type ChartSeries } from '../ui/chart';
import { formatTime, formatWeights } from '../ui/format';
import { ErrorBox, Loading } from '../ui/page';
import { RangeSelect } from '../ui/range-select';
import { fetchTrafficHistory, type TrafficHistory } from './history';
import { weightSeries } from './weight-series';

/** Distinct, AA-contrast-ish line colours for IDCs (the legend names each; colour is not the only cue). */
export const IDC_COLORS = [
  '#0a58ca',
  '#c2410c',
  '#15803d',
  '#7e22ce',
  '#b91c1c',
  '#0e7490',
  '#a16207',
  '#be185d',
];

function WeightsChart({ history, range }: { history: TrafficHistory; range: RangeKey }) {
  const { x, series } = useMemo(() => {
    const s = weightSeries(history);
    return {
      x: s.x,
      series: s.idcs.map<ChartSeries>((idc, i) => ({
        label: idc,
        values: s.values[i],
        color: IDC_COLORS[i % IDC_COLORS.length],
        stepped: true,
      })),
    };
  }, [history]);
  return (
    <TimeChart
      title={`Weights per IDC over the last ${range}, in percent (applied, else desired)`}
      x={x}
      series={series}
      unit="%"
      yRange={[0, 100]}
    />
  );
}

function ChangesTable({ history }: { history: TrafficHistory }) {
  if (!history.points.length) return <p className="muted">No weight change in this range.</p>;
  return (
    <details className="changes">
      <summary>
        Changes in this range ({history.points.length}
        {history.truncated ? ', only the first listed' : ''})
      </summary>
      <table className="compact">
        <caption className="visually-hidden">Weight changes, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col">Desired</th>
            <th scope="col">Applied</th>
            <th scope="col">Override</th>
            <th scope="col">Reason</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {history.points.map((p, i) => (
            <tr key={`${p.at}-${i}`}>
              <td>{formatTime(p.at)}</td>
              <td>{p.kind ?? '—'}</td>
              <td>{formatWeights(p.desired)}</td>
              <td>{formatWeights(p.applied)}</td>
              <td>{p.override ? formatWeights(p.override) : 'none'}</td>
              <td>
                {p.reason ?? '—'}
                {p.by ? ` (by ${p.by})` : ''}
              </td>
              <td>{p.actionId ? <Link to={`/actions/${p.actionId}`}>action</Link> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** The service's weights over the chosen range: a stepped line per IDC, and the changes as a table. */
export function TrafficHistoryChart({
  service,
  range,
  onRange,
}: {
  service: string;
  range: RangeKey;
  onRange(next: RangeKey): void;
}) {
  const history = useQuery({
    queryKey: ['service', service, 'traffic-history', range],
    queryFn: ({ signal }) => {
      const to = Date.now();
      return fetchTrafficHistory(service, { from: to - rangeMs(range), to }, signal);
    },
    refetchInterval: 60_000,
    placeholderData: (previous) => previous,
  });
  return (
    <div className="traffic-history">
      <div className="section-bar">
        <h3>Weights over time</h3>
        <RangeSelect value={range} onChange={onRange} label="Weights range" />
      </div>
      {history.error ? <ErrorBox error={history.error} /> : null}
      {history.data ? (
        <>
          <WeightsChart history={history.data} range={range} />
          <ChangesTable history={history.data} />
        </>
      ) : history.isPending ? (
        <Loading what="Loading the weights history" />
      ) : null}
    </div>
  );
}
