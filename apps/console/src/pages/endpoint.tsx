import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, ok, type Schema } from '../api';
import { checkMatrix } from '../health/check-matrix';
import { historyStep, parseRange, rangeMs, type RangeKey } from '../health/time-ranges';
import { useLiveRefresh } from '../live-refresh';
import { useCan } from '../session';
import { drainOffer, endpointName } from '../traffic/drain';
import { DrainButton, DrainDone } from '../traffic/drain-button';
import { TimeChart, type ChartSeries } from '../ui/chart';
import { formatAgo, formatDuration, formatRatio, formatTime } from '../ui/format';
import { ErrorBox, Loading, PageHeader } from '../ui/page';
import { RangeSelect } from '../ui/range-select';
import { StateBadge } from '../ui/state-badge';
import { useQueryParam } from '../ui/use-query-param';

type EndpointHealth = Schema<'EndpointHealthDto'>;
type History = Schema<'HistoryDto'>;
type Action = Schema<'ActionDto'>;

const AVAILABILITY_COLOR = '#15803d';
const P50_COLOR = '#0a58ca';
const P99_COLOR = '#c2410c';
const AVAILABILITY_RANGE: [number, number] = [0, 100];

function Summary({ health }: { health: EndpointHealth }) {
  return (
    <dl className="facts">
      <div>
        <dt>State</dt>
        <dd>
          <StateBadge state={health.state} /> {health.reason}
          {health.flapping ? <span className="warn"> (flapping)</span> : null}
        </dd>
      </div>
      <div>
        <dt>Since</dt>
        <dd title={formatTime(health.since)}>{health.since === null ? '—' : formatAgo(health.since)}</dd>
      </div>
      <div>
        <dt>Service</dt>
        <dd>
          <Link to={`/services/${encodeURIComponent(health.service)}`}>{health.service}</Link>
        </dd>
      </div>
      <div>
        <dt>IDC</dt>
        <dd>
          <Link to={`/services/${encodeURIComponent(health.service)}?idc=${encodeURIComponent(health.idc)}`}>
            {health.idc}
          </Link>
        </dd>
      </div>
      <div>
        <dt>Capacity</dt>
        <dd>{health.capacity}</dd>
      </div>
      <div>
        <dt>Seen down from</dt>
        <dd>{health.downFrom.length ? health.downFrom.join(', ') : 'no vantage'}</dd>
      </div>
      <div>
        <dt>Seen up from</dt>
        <dd>{health.upFrom.length ? health.upFrom.join(', ') : 'no vantage'}</dd>
      </div>
      {health.firstFailureAt ? (
        <div>
          <dt>Failing since</dt>
          <dd>
            {formatTime(health.firstFailureAt)} ({formatAgo(health.firstFailureAt)})
          </dd>
        </div>
      ) : null}
      <div>
        <dt>State changes in the flapping window</dt>
        <dd>{health.transitions.length}</dd>
      </div>
    </dl>
  );
}

function Score({ health }: { health: EndpointHealth }) {
  const c = health.scoreComponents;
  return (
    <section aria-labelledby="score-heading" className="panel">
      <h2 id="score-heading">Score {health.score.toFixed(2)}</h2>
      <table className="compact">
        <caption className="visually-hidden">Score components</caption>
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Availability</th>
            <td>{c.availability.toFixed(2)}</td>
          </tr>
          <tr>
            <th scope="row">Latency</th>
            <td>{c.latency.toFixed(2)}</td>
          </tr>
          <tr>
            <th scope="row">Stability</th>
            <td>{c.stability.toFixed(2)}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

function Matrix({ health }: { health: EndpointHealth }) {
  const matrix = checkMatrix(health.vantages);
  return (
    <section aria-labelledby="matrix-heading">
      <h2 id="matrix-heading">Checks by vantage</h2>
      {matrix.vantages.length ? (
        <table className="matrix">
          <caption className="visually-hidden">Check state per vantage and check</caption>
          <thead>
            <tr>
              <th scope="col">Vantage</th>
              {matrix.checks.map((check) => (
                <th scope="col" key={check}>
                  {check}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.vantages.map((vantage) => (
              <tr key={vantage}>
                <th scope="row">{vantage}</th>
                {matrix.checks.map((check) => {
                  const cell = matrix.cell(vantage, check);
                  return (
                    <td key={check} data-testid={`check-${vantage}-${check}`}>
                      {cell ? (
                        <>
                          <StateBadge state={cell.state} />{' '}
                          <small>
                            {cell.lastOk
                              ? `${cell.successes} ok in a row`
                              : `${cell.failures} failed in a row`}{' '}
                            · {formatAgo(cell.lastAt)}
                          </small>
                          {cell.lastError ? <small className="block">{cell.lastError}</small> : null}
                        </>
                      ) : (
                        <span className="muted">not run</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No vantage has probed this endpoint yet.</p>
      )}
    </section>
  );
}

function LastResults({ health }: { health: EndpointHealth }) {
  const results = useMemo(() => [...health.lastResults].sort((a, b) => b.at - a.at), [health.lastResults]);
  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading">Last results</h2>
      {results.length ? (
        <div className="table-scroll" role="region" tabIndex={0} aria-label="Last results (scrollable)">
          <table className="compact">
            <caption className="visually-hidden">Newest probe results first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Vantage</th>
                <th scope="col">Check</th>
                <th scope="col">Result</th>
                <th scope="col">Latency</th>
                <th scope="col">Status code</th>
                <th scope="col">Error kind</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r, i) => (
                <tr key={`${r.at}-${r.vantage}-${r.check}-${i}`}>
                  <td>{formatTime(r.at)}</td>
                  <td>{r.vantage}</td>
                  <td>{r.check}</td>
                  <td>
                    <StateBadge state={r.ok ? 'UP' : 'DOWN'} title={r.ok ? 'ok' : 'failed'} />{' '}
                    {r.ok ? 'ok' : 'failed'}
                  </td>
                  <td>{formatDuration(r.latencyMs)}</td>
                  <td>{r.statusCode ?? '—'}</td>
                  <td>{r.errorKind ?? '—'}</td>
                  <td>{r.detail ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No result in the short window.</p>
      )}
    </section>
  );
}

function HistoryCharts({ history, range }: { history: History; range: RangeKey }) {
  const { x, availability, latency } = useMemo(() => {
    const b = history.buckets;
    return {
      x: b.map((bucket) => Date.parse(bucket.start) / 1000),
      availability: [
        {
          label: 'availability',
          color: AVAILABILITY_COLOR,
          values: b.map((bucket) => (bucket.availability === null ? null : bucket.availability * 100)),
        },
      ] satisfies ChartSeries[],
      latency: [
        { label: 'p50', color: P50_COLOR, values: b.map((bucket) => bucket.latencyP50Ms) },
        { label: 'p99', color: P99_COLOR, values: b.map((bucket) => bucket.latencyP99Ms) },
      ] satisfies ChartSeries[],
    };
  }, [history]);
  return (
    <>
      <h3>Availability</h3>
      <TimeChart
        title={`Availability in percent over the last ${range}, per ${history.step}`}
        x={x}
        series={availability}
        unit="%"
        yRange={AVAILABILITY_RANGE}
      />
      <h3>Latency</h3>
      <TimeChart
        title={`Latency p50 and p99 in milliseconds over the last ${range}, per ${history.step}`}
        x={x}
        series={latency}
        unit=" ms"
      />
      <details className="changes">
        <summary>
          Data ({history.buckets.length} buckets of {history.step})
        </summary>
        <div className="table-scroll" role="region" tabIndex={0} aria-label="History data (scrollable)">
          <table className="compact">
            <caption className="visually-hidden">History buckets, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Start</th>
                <th scope="col">Probes</th>
                <th scope="col">Failures</th>
                <th scope="col">Availability</th>
                <th scope="col">p50</th>
                <th scope="col">p99</th>
              </tr>
            </thead>
            <tbody>
              {history.buckets.map((bucket) => (
                <tr key={bucket.start}>
                  <td>{formatTime(bucket.start)}</td>
                  <td>{bucket.count}</td>
                  <td>{bucket.failures}</td>
                  <td>{formatRatio(bucket.availability)}</td>
                  <td>{formatDuration(bucket.latencyP50Ms)}</td>
                  <td>{formatDuration(bucket.latencyP99Ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

/** Whether Vigil has the endpoint out of rotation, and Drain / Undrain for operators. */
function RotationSection({ health }: { health: EndpointHealth }) {
  const canOperate = useCan('operator');
  const [done, setDone] = useState<Action | null>(null);
  const service = health.service;
  const traffic = useQuery({
    queryKey: ['service', service, 'traffic'],
    queryFn: () => ok(api.GET('/api/v1/services/{name}/traffic', { params: { path: { name: service } } })),
    refetchInterval: 10_000,
  });
  const name = endpointName(service, health.id);
  const t = traffic.data;
  if (!name) return null;
  const drained = t?.drained.includes(name) ?? false;
  const offer = t
    ? drainOffer({ canOperate, manager: t.trafficManager, drained: t.drained, endpoint: name })
    : null;
  return (
    <section aria-labelledby="rotation-heading" className="panel">
      <h2 id="rotation-heading">Rotation</h2>
      {traffic.error ? <ErrorBox error={traffic.error} /> : null}
      {t ? (
        <>
          <p data-testid="rotation">
            {drained
              ? `Drained: ${t.trafficManager.type} sends ${name} no new requests.`
              : `In rotation through ${t.trafficManager.type}.`}
            {!drained && !t.trafficManager.drainsEndpoints
              ? ` ${t.trafficManager.type} cannot drain single endpoints: shift the IDC's weight instead.`
              : ''}
          </p>
          {offer ? (
            <DrainButton
              direction={offer}
              service={service}
              endpoint={name}
              managerType={t.trafficManager.type}
              onDone={setDone}
            />
          ) : null}
          <DrainDone action={done} />
        </>
      ) : traffic.isPending ? (
        <Loading what="Loading the traffic" />
      ) : null}
    </section>
  );
}

function HistorySection({ id }: { id: string }) {
  const [rangeParam, setRange] = useQueryParam('range');
  const range = parseRange(rangeParam);
  const history = useQuery({
    queryKey: ['endpoint', id, 'history', range],
    queryFn: () => {
      const span = rangeMs(range);
      const to = Date.now();
      return ok(
        api.GET('/api/v1/endpoints/{id}/history', {
          params: {
            path: { id },
            query: { from: String(to - span), to: String(to), step: historyStep(span).text },
          },
        }),
      );
    },
    refetchInterval: 60_000,
    placeholderData: (previous) => previous,
  });
  return (
    <section aria-labelledby="history-heading">
      <div className="section-bar">
        <h2 id="history-heading">History</h2>
        <RangeSelect value={range} onChange={setRange} label="History range" />
      </div>
      {history.error ? <ErrorBox error={history.error} /> : null}
      {history.data ? (
        <HistoryCharts history={history.data} range={range} />
      ) : history.isPending ? (
        <Loading what="Loading the history" />
      ) : null}
    </section>
  );
}

/** One endpoint: its state per vantage and check, last results, score, and history. Live. */
export default function EndpointPage() {
  const id = useParams().id ?? '';
  const health = useQuery({
    queryKey: ['endpoint', id, 'health'],
    queryFn: () => ok(api.GET('/api/v1/endpoints/{id}/health', { params: { path: { id } } })),
    refetchInterval: 10_000,
  });
  useLiveRefresh((event) => event.endpoint === id, [['endpoint', id]]);

  if (health.error instanceof ApiError && health.error.status === 404) {
    return (
      <>
        <PageHeader title={`Endpoint ${id}`} />
        <ErrorBox error={health.error} />
        <p>
          <Link to="/">Back to the board</Link>
        </p>
      </>
    );
  }

  return (
    <>
      <PageHeader title={`Endpoint ${id}`}>
        <Link to={`/timeline?endpoint=${encodeURIComponent(id)}`}>Timeline of this endpoint</Link>
      </PageHeader>
      {health.error ? <ErrorBox error={health.error} /> : null}
      {health.data ? (
        <>
          <div className="endpoint-top">
            <Summary health={health.data} />
            <Score health={health.data} />
          </div>
          <RotationSection health={health.data} />
          <Matrix health={health.data} />
          <LastResults health={health.data} />
        </>
      ) : health.isPending ? (
        <Loading what="Loading the endpoint" />
      ) : null}
      <HistorySection id={id} />
    </>
  );
}
