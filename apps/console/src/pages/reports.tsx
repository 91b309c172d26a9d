import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ok, type Schema } from '../api';
import { availabilityCsv, incidentsCsv, worstEndpointsCsv } from '../reports/csv';
import { exportName, RANGE_LABELS, rangeBounds, rangeName, RANGES, type RangeName } from '../reports/range';
import { formatDuration, formatTime } from '../ui/format';
import { ErrorBox, Loading, PageHeader } from '../ui/page';

type Report = Schema<'AvailabilityReportDto'>;

/** `99.95%`, or `—` without probes. */
function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100) / 100}%`;
}

/** Saves `text` as a CSV file through a Blob URL. */
function download(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Availability as a bar (a <meter>: low under 99%, poor under 95%) next to its figure. */
function AvailabilityBar({ value, label }: { value: number | null; label: string }) {
  return (
    <span className="availability">
      {value === null ? null : (
        <meter
          min={0}
          max={100}
          low={95}
          high={99}
          optimum={100}
          value={value}
          aria-label={`${label}: ${formatPercent(value)}`}
        />
      )}
      <span>{formatPercent(value)}</span>
    </span>
  );
}

/** Availability, incidents with MTTD and MTTR, and the worst endpoints over 24 h, 7 d or 30 d. */
export default function ReportsPage() {
  const [params, setParams] = useSearchParams();
  const range = rangeName(params.get('range'));
  const service = params.get('service') ?? '';
  const [serviceInput, setServiceInput] = useState(service);

  const report = useQuery({
    queryKey: ['reports', 'availability', range, service],
    queryFn: () => {
      const { from, to } = rangeBounds(range, Date.now());
      return ok(
        api.GET('/api/v1/reports/availability', {
          params: { query: { from: String(from), to: String(to), ...(service ? { service } : {}) } },
        }),
      );
    },
    refetchInterval: 60_000,
  });

  const update = (key: string, value: string) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    });

  const submitService = (event: FormEvent) => {
    event.preventDefault();
    update('service', serviceInput.trim());
  };

  const save = (what: string, build: (report: Report) => string) => {
    if (report.data) download(build(report.data), exportName(what, range, Date.now()));
  };

  return (
    <>
      <PageHeader title="Reports">
        <div role="group" aria-label="Range" className="segmented">
          {(Object.keys(RANGES) as RangeName[]).map((name) => (
            <button
              key={name}
              type="button"
              aria-pressed={name === range}
              onClick={() => update('range', name === '24h' ? '' : name)}
              title={RANGE_LABELS[name]}
            >
              {name}
            </button>
          ))}
        </div>
        <form className="field inline" onSubmit={submitService} role="search">
          <label htmlFor="report-service">Service</label>
          <input
            id="report-service"
            type="search"
            value={serviceInput}
            placeholder="all services"
            onChange={(e) => setServiceInput(e.target.value)}
          />
          <button type="submit">Show</button>
        </form>
      </PageHeader>

      <div className="export-actions">
        <button type="button" disabled={!report.data} onClick={() => save('availability', availabilityCsv)}>
          Export availability CSV
        </button>
        <button type="button" disabled={!report.data} onClick={() => save('incidents', incidentsCsv)}>
          Export incidents CSV
        </button>
        <button
          type="button"
          disabled={!report.data}
          onClick={() => save('worst-endpoints', worstEndpointsCsv)}
        >
          Export worst endpoints CSV
        </button>
      </div>

      {report.error ? <ErrorBox error={report.error} /> : null}
      {report.isPending ? <Loading what="Loading the report" /> : null}
      {report.data ? (
        <>
          <p className="muted">
            {RANGE_LABELS[range]}: {formatTime(report.data.from)} to {formatTime(report.data.to)}
            {service ? ` · service ${service}` : ''}
          </p>
          {report.data.services.length === 0 ? (
            <p>No services in this range.</p>
          ) : (
            <>
              <AvailabilityTable report={report.data} />
              <IncidentsTable report={report.data} />
              <WorstEndpointsTable report={report.data} />
            </>
          )}
        </>
      ) : null}
    </>
  );
}

function AvailabilityTable({ report }: { report: Report }) {
  return (
    <section aria-labelledby="availability-title" className="report-section">
      <h2 id="availability-title">Availability by service and IDC</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">IDC</th>
            <th scope="col">Availability</th>
            <th scope="col">Probes</th>
            <th scope="col">Failures</th>
            <th scope="col">Incidents</th>
            <th scope="col">Mean MTTD</th>
            <th scope="col">Mean MTTR</th>
          </tr>
        </thead>
        {report.services.map((s) => (
          <tbody key={s.service} className="service-group">
            <tr className="service-total">
              <th scope="rowgroup" rowSpan={s.idcs.length + 1}>
                <Link to={`/services/${encodeURIComponent(s.service)}`}>{s.service}</Link>
              </th>
              <td>all</td>
              <td>
                <AvailabilityBar value={s.availabilityPercent} label={`${s.service}, all IDCs`} />
              </td>
              <td>{s.probes}</td>
              <td>{s.failures}</td>
              <td>{s.idcs.reduce((n, i) => n + i.incidents.length, 0)}</td>
              <td />
              <td />
            </tr>
            {s.idcs.map((i) => (
              <tr key={i.idc}>
                <td>{i.idc}</td>
                <td>
                  <AvailabilityBar value={i.availabilityPercent} label={`${s.service} in ${i.idc}`} />
                </td>
                <td>{i.probes}</td>
                <td>{i.failures}</td>
                <td>{i.incidents.length}</td>
                <td>{formatDuration(i.meanMttdMs)}</td>
                <td>{formatDuration(i.meanMttrMs)}</td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </section>
  );
}

function IncidentsTable({ report }: { report: Report }) {
  const incidents = report.services.flatMap((s) =>
    s.idcs.flatMap((i) => i.incidents.map((incident) => ({ service: s.service, idc: i.idc, ...incident }))),
  );
  incidents.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return (
    <section aria-labelledby="incidents-title" className="report-section">
      <h2 id="incidents-title">Incidents</h2>
      {incidents.length === 0 ? (
        <p>No incidents in this range.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Service</th>
              <th scope="col">IDC</th>
              <th scope="col">Ended</th>
              <th scope="col">Reason</th>
              <th scope="col">MTTD</th>
              <th scope="col">MTTR</th>
            </tr>
          </thead>
          <tbody>
            {incidents.map((x) => (
              <tr key={x.eventId}>
                <td>{formatTime(x.startedAt)}</td>
                <td>{x.service}</td>
                <td>{x.idc}</td>
                <td>
                  {x.ongoing ? <span className="badge state-unhealthy">ongoing</span> : formatTime(x.endedAt)}
                </td>
                <td>{x.reason}</td>
                <td>{formatDuration(x.mttdMs)}</td>
                <td>{x.ongoing ? '—' : formatDuration(x.mttrMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function WorstEndpointsTable({ report }: { report: Report }) {
  const rows = report.services.flatMap((s) => s.worstEndpoints.map((e) => ({ service: s.service, ...e })));
  return (
    <section aria-labelledby="worst-title" className="report-section">
      <h2 id="worst-title">Worst endpoints</h2>
      {rows.length === 0 ? (
        <p>No endpoint had probes in this range.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Endpoint</th>
              <th scope="col">IDC</th>
              <th scope="col">Availability</th>
              <th scope="col">Probes</th>
              <th scope="col">Failures</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={`${e.service}/${e.endpoint}`}>
                <td>{e.service}</td>
                <td>
                  <code>{e.endpoint}</code>
                </td>
                <td>{e.idc}</td>
                <td>
                  <AvailabilityBar value={e.availabilityPercent} label={`${e.endpoint}`} />
                </td>
                <td>{e.probes}</td>
                <td>{e.failures}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
