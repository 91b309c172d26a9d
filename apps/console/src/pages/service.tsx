import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, ok, type Schema } from '../api';
import {
  endpointFiltersFromQuery,
  filterEndpoints,
  HEALTH_STATES,
  type EndpointFilters,
} from '../health/endpoint-list';
import { parseRange, type RangeKey } from '../health/time-ranges';
import { useLiveRefresh } from '../live-refresh';
import { useCan } from '../session';
import { describeTrafficManager, drainOffer, inForce } from '../traffic/drain';
import { DrainButton, DrainDone } from '../traffic/drain-button';
import { SetWeightsForm } from '../traffic/set-weights-form';
import { TrafficHistoryChart } from '../traffic/traffic-history-chart';
import { formatAgo, formatCapacity, formatDuration, formatTime } from '../ui/format';
import { ErrorBox, Loading, PageHeader } from '../ui/page';
import { useQueryParam } from '../ui/use-query-param';
import { StateBadge } from '../ui/state-badge';

type ServiceHealth = Schema<'ServiceHealthDto'>;
type Traffic = Schema<'ServiceTrafficDto'>;
type EndpointStatus = Schema<'EndpointStatusDto'>;
type Action = Schema<'ActionDto'>;

const ROW_HEIGHT = 40;
const LIST_MAX_HEIGHT = 480;

function FailbackHold({ hold }: { hold: Traffic['failback'][string] | undefined }) {
  if (!hold) return <>—</>;
  return (
    <span title={hold.explanation}>
      {formatDuration(hold.holdMs)} ({hold.outages} outage{hold.outages === 1 ? '' : 's'})
      {hold.failbackAt ? <small> · failback from {formatTime(hold.failbackAt)}</small> : null}
      <small className="muted block">{hold.explanation}</small>
    </span>
  );
}

function IdcTable({ health, traffic }: { health: ServiceHealth; traffic: Traffic | undefined }) {
  if (!health.idcs.length) return <p>No IDC has endpoints of this service.</p>;
  return (
    <table>
      <caption className="visually-hidden">IDCs of {health.service}</caption>
      <thead>
        <tr>
          <th scope="col">IDC</th>
          <th scope="col">State</th>
          <th scope="col">Score</th>
          <th scope="col">Capacity (healthy / total)</th>
          <th scope="col">Weight in force</th>
          <th scope="col">Since</th>
          <th scope="col">Failback hold</th>
        </tr>
      </thead>
      <tbody>
        {health.idcs.map((idc) => (
          <tr key={idc.idc} data-testid={`idc-${idc.idc}`}>
            <th scope="row">
              <Link to={`?idc=${encodeURIComponent(idc.idc)}#endpoints`}>{idc.idc}</Link>
            </th>
            <td>
              <StateBadge state={idc.state} /> <span className="muted">{idc.reason}</span>
            </td>
            <td>{idc.score.toFixed(2)}</td>
            <td>
              {formatCapacity(idc.healthyCapacity)} / {idc.totalCapacity}{' '}
              <span className="muted">
                ({Math.round(idc.healthyRatio * 1000) / 10}%; {idc.endpoints.UNHEALTHY} unhealthy,{' '}
                {idc.endpoints.DEGRADED} degraded)
              </span>
            </td>
            <td>{idc.weight}</td>
            <td title={formatTime(idc.since)}>{formatAgo(idc.since)}</td>
            <td>
              <FailbackHold hold={traffic?.failback[idc.idc]} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function percent(weights: Record<string, number> | null | undefined, idc: string): string {
  const value = weights?.[idc];
  return value === undefined ? '—' : `${Math.round(value * 10) / 10}%`;
}

/** The traffic manager and what its last read-back found: the "In force" column comes from it. */
function ReadBack({ traffic }: { traffic: Traffic }) {
  const { actual, trafficManager } = traffic;
  if (!actual) {
    return (
      <>
        {trafficManager.readsBack
          ? 'In force: not read back from the traffic manager yet.'
          : `In force: ${trafficManager.type} cannot be read back.`}
      </>
    );
  }
  return actual.ok ? (
    <>
      In force as read back at <time dateTime={actual.readAt}>{formatTime(actual.readAt)}</time> (
      {formatAgo(actual.readAt)}): {actual.detail}
    </>
  ) : (
    <>
      The traffic manager could not be read at{' '}
      <time dateTime={actual.readAt}>{formatTime(actual.readAt)}</time>: {actual.detail}
    </>
  );
}

/** Set while the traffic manager's weights differ from the applied ones, or it cannot be read. */
function DriftBanner({ traffic }: { traffic: Traffic }) {
  if (!traffic.drift) return null;
  return (
    <div role="alert" className="warn drift" data-testid="drift">
      <strong>Drift</strong> since{' '}
      <time dateTime={String(traffic.drift.since)}>{formatTime(traffic.drift.since)}</time> (
      {formatAgo(traffic.drift.since)}): {traffic.drift.reason}. Vigil does not correct drift by itself; set
      the weights again or find who changed {traffic.trafficManager.type}.
    </div>
  );
}

/** The endpoints Vigil took out of rotation, each with Undrain for operators. */
function DrainedList({ traffic, canOperate }: { traffic: Traffic; canOperate: boolean }) {
  const [done, setDone] = useState<Action | null>(null);
  const service = traffic.service;
  return (
    <section aria-labelledby="drained-heading">
      <h3 id="drained-heading">Drained endpoints</h3>
      {traffic.drained.length ? (
        <ul className="drained-list">
          {traffic.drained.map((endpoint) => (
            <li key={endpoint} data-testid={`drained-${endpoint}`}>
              <Link to={`/endpoints/${encodeURIComponent(`${service}.${endpoint}`)}`}>{endpoint}</Link>{' '}
              {drainOffer({
                canOperate,
                manager: traffic.trafficManager,
                drained: traffic.drained,
                endpoint,
              }) ? (
                <DrainButton
                  direction="undrain"
                  service={service}
                  endpoint={endpoint}
                  managerType={traffic.trafficManager.type}
                  onDone={setDone}
                />
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">
          No endpoint is drained.
          {traffic.trafficManager.drainsEndpoints
            ? ' Drain one from its endpoint page.'
            : ` ${traffic.trafficManager.type} cannot drain single endpoints: shift the IDC's weight instead.`}
        </p>
      )}
      <DrainDone action={done} />
    </section>
  );
}

function TrafficTable({ traffic, idcs }: { traffic: Traffic; idcs: string[] }) {
  const override = traffic.override ?? null;
  return (
    <>
      <table className="traffic-table">
        <caption className="visually-hidden">Weights of {traffic.service} per IDC</caption>
        <thead>
          <tr>
            <th scope="col">IDC</th>
            <th scope="col">Baseline</th>
            <th scope="col">Desired</th>
            <th scope="col">Applied</th>
            <th scope="col">In force</th>
            <th scope="col">Manual override</th>
          </tr>
        </thead>
        <tbody>
          {idcs.map((idc) => (
            <tr key={idc}>
              <th scope="row">{idc}</th>
              <td>{percent(traffic.baseline, idc)}</td>
              <td>{percent(traffic.desired, idc)}</td>
              <td>{percent(traffic.applied, idc)}</td>
              <td>{inForce(traffic.actual, idc)}</td>
              <td>{override ? percent(override.weights, idc) : 'none'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        {traffic.appliedAt
          ? `Applied weights confirmed by the traffic manager at ${formatTime(traffic.appliedAt)}.`
          : 'No weights confirmed by the traffic manager yet.'}{' '}
        <ReadBack traffic={traffic} />
      </p>
      {override ? (
        <p className="warn" role="note">
          Manual override by {override.by} at {formatTime(override.at)} ({override.reason}): automation is
          paused for {traffic.service} until it is released.
        </p>
      ) : null}
      {traffic.latestAction ? (
        <p>
          Latest action:{' '}
          <Link to={`/actions/${traffic.latestAction.id}`}>
            {traffic.latestAction.kind}
            {traffic.latestAction.idc ? ` ${traffic.latestAction.idc}` : ''}
          </Link>{' '}
          <StateBadge state={traffic.latestAction.state} /> {traffic.latestAction.reason},{' '}
          {formatAgo(traffic.latestAction.updatedAt)}
        </p>
      ) : null}
    </>
  );
}

function EndpointFilters({
  idcs,
  filters,
  set,
}: {
  idcs: string[];
  filters: EndpointFilters;
  set: Record<keyof EndpointFilters, (value: string) => void>;
}) {
  return (
    <div className="filters" role="search" aria-label="Filter endpoints">
      <label className="field inline">
        IDC
        <select value={filters.idc} onChange={(e) => set.idc(e.target.value)}>
          <option value="">All</option>
          {idcs.map((idc) => (
            <option key={idc} value={idc}>
              {idc}
            </option>
          ))}
        </select>
      </label>
      <label className="field inline">
        State
        <select value={filters.state} onChange={(e) => set.state(e.target.value)}>
          <option value="">All</option>
          {HEALTH_STATES.map((state) => (
            <option key={state} value={state}>
              {state}
            </option>
          ))}
        </select>
      </label>
      <label className="field inline">
        Search
        <input
          type="search"
          value={filters.text}
          placeholder="id or reason"
          onChange={(e) => set.text(e.target.value)}
        />
      </label>
    </div>
  );
}

function EndpointList({ endpoints }: { endpoints: EndpointStatus[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: endpoints.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  if (!endpoints.length) return <p>No endpoint matches these filters.</p>;
  return (
    <div role="table" className="endpoint-list" aria-label="Endpoints" aria-rowcount={endpoints.length + 1}>
      <div role="row" className="endpoint-row endpoint-head">
        <div role="columnheader">Endpoint</div>
        <div role="columnheader">IDC</div>
        <div role="columnheader">State</div>
        <div role="columnheader">Score</div>
        <div role="columnheader">Since</div>
      </div>
      <div
        ref={scroller}
        className="endpoint-body"
        style={{ height: Math.min(LIST_MAX_HEIGHT, endpoints.length * ROW_HEIGHT) }}
        role="rowgroup"
        tabIndex={0}
        aria-label="Endpoint rows (scrollable)"
      >
        <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
          {rows.getVirtualItems().map((row) => {
            const e = endpoints[row.index];
            return (
              <div
                role="row"
                aria-rowindex={row.index + 2}
                key={e.id}
                className="endpoint-row"
                data-state={e.state}
                style={{ height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}
              >
                <div role="cell" className="endpoint-id">
                  <Link to={`/endpoints/${encodeURIComponent(e.id)}`}>{e.id}</Link>
                </div>
                <div role="cell">{e.idc}</div>
                <div role="cell">
                  <StateBadge state={e.state} /> <span className="muted">{e.reason}</span>
                </div>
                <div role="cell">{e.score.toFixed(2)}</div>
                <div role="cell" title={formatTime(e.since)}>
                  {formatAgo(e.since)}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function EndpointsSection({ health }: { health: ServiceHealth }) {
  const [idcParam, setIdc] = useQueryParam('idc');
  const [stateParam, setState] = useQueryParam('state');
  const [typed, setText] = useQueryParam('q');
  const { idc, state } = endpointFiltersFromQuery(new URLSearchParams({ idc: idcParam, state: stateParam }));
  const text = useDeferredValue(typed);
  const shown = useMemo(
    () => filterEndpoints(health.endpointStatuses, { idc, state, text }),
    [health.endpointStatuses, idc, state, text],
  );
  const counts = health.endpoints;
  return (
    <section aria-labelledby="endpoints-heading" id="endpoints">
      <div className="section-bar">
        <h2 id="endpoints-heading">Endpoints</h2>
        <EndpointFilters
          idcs={health.idcs.map((i) => i.idc)}
          filters={{ idc, state, text: typed }}
          set={{ idc: setIdc, state: setState, text: setText }}
        />
      </div>
      <p className="muted" aria-live="polite">
        {shown.length} of {health.endpointStatuses.length} shown · {counts.HEALTHY} healthy ·{' '}
        {counts.DEGRADED} degraded · {counts.UNHEALTHY} unhealthy · {counts.UNKNOWN} unknown
      </p>
      <EndpointList endpoints={shown} />
    </section>
  );
}

/** One service: its IDCs, traffic weights (with the manual override) and endpoints, live. */
export default function ServicePage() {
  const name = useParams().name ?? '';
  const [rangeParam, setRangeParam] = useQueryParam('range');
  const canOperate = useCan('operator');
  const range: RangeKey = parseRange(rangeParam);

  const health = useQuery({
    queryKey: ['service', name, 'status'],
    queryFn: () => ok(api.GET('/api/v1/services/{name}/status', { params: { path: { name } } })),
    refetchInterval: 10_000,
  });
  const traffic = useQuery({
    queryKey: ['service', name, 'traffic'],
    queryFn: () => ok(api.GET('/api/v1/services/{name}/traffic', { params: { path: { name } } })),
    refetchInterval: 10_000,
  });
  useLiveRefresh(
    (event) => event.service === name && (event.kind === 'idc' || event.kind === 'endpoint'),
    [['service', name]],
  );

  const idcs = useMemo(() => {
    const names = (health.data?.idcs ?? []).map((i) => i.idc);
    const t = traffic.data;
    const extra = t ? Object.keys({ ...t.baseline, ...t.desired, ...t.applied, ...t.override?.weights }) : [];
    return [...new Set([...names, ...extra])];
  }, [health.data, traffic.data]);

  const t = traffic.data;
  const current = t ? (t.override?.weights ?? t.applied ?? t.desired) : {};

  if (health.error instanceof ApiError && health.error.status === 404) {
    return (
      <>
        <PageHeader title={`Service ${name}`} />
        <ErrorBox error={health.error} />
        <p>
          <Link to="/">Back to the board</Link>
        </p>
      </>
    );
  }

  return (
    <>
      <PageHeader title={`Service ${name}`}>
        <Link to={`/timeline?service=${encodeURIComponent(name)}`}>Timeline of {name}</Link>
      </PageHeader>
      {health.error ? <ErrorBox error={health.error} /> : null}
      {health.data?.stale ? (
        <p className="warn" role="note">
          The controller is not publishing: this snapshot is from {formatAgo(health.data.generatedAt)}.
        </p>
      ) : null}

      <section aria-labelledby="idcs-heading">
        <h2 id="idcs-heading">IDCs</h2>
        {health.data ? (
          <IdcTable health={health.data} traffic={t} />
        ) : health.isPending ? (
          <Loading what="Loading the IDCs" />
        ) : null}
      </section>

      <section aria-labelledby="traffic-heading">
        <h2 id="traffic-heading">Traffic</h2>
        {traffic.error ? <ErrorBox error={traffic.error} /> : null}
        {t ? (
          <>
            <DriftBanner traffic={t} />
            <p>
              Traffic manager: <strong>{describeTrafficManager(t.trafficManager)}</strong>
            </p>
            <TrafficTable traffic={t} idcs={idcs} />
            <DrainedList traffic={t} canOperate={canOperate} />
          </>
        ) : traffic.isPending ? (
          <Loading what="Loading the weights" />
        ) : null}
        <TrafficHistoryChart service={name} range={range} onRange={setRangeParam} />
        {canOperate && t && health.data ? (
          <SetWeightsForm
            service={name}
            idcs={health.data.idcs.map((i) => i.idc)}
            current={current}
            overridden={Boolean(t.override)}
          />
        ) : null}
      </section>

      {health.data ? <EndpointsSection health={health.data} /> : null}
    </>
  );
}
