import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ok, type Schema } from '../api';
import { useLiveEvents } from '../live';
import { useLiveRefresh } from '../live-refresh';
import { withLiveStates, type LiveIdcState } from '../health/live-states';
import { formatAgo, formatCapacity } from '../ui/format';
import { ErrorBox, Loading, PageHeader } from '../ui/page';
import { StateBadge } from '../ui/state-badge';

type Status = Schema<'StatusDto'>;
type ServiceStatus = Schema<'ServiceStatusDto'>;
type IdcStatus = Schema<'IdcStatusDto'>;

const STATUS_KEY = ['status'];
const OPEN_STATES = ['awaiting-approval', 'executing', 'held'] as const;
const ROW_HEIGHT = 64;

/** The IDC states live events announce, and a coalesced re-read of the snapshot after any change. */
function useLiveIdcStates(): ReadonlyMap<string, LiveIdcState> {
  const [live, setLive] = useState<ReadonlyMap<string, LiveIdcState>>(new Map());
  useLiveEvents((event) => {
    if (event.kind !== 'idc' || !event.service || !event.idc) return;
    const state = {
      state: event.after as IdcStatus['state'],
      reason: event.reason,
      since: Date.parse(event.at),
    };
    setLive((map) => new Map(map).set(`${event.service}/${event.idc}`, state));
  });
  useLiveRefresh(
    (event) => event.kind === 'idc' || event.kind === 'endpoint' || event.kind === 'vantage',
    [STATUS_KEY],
  );
  return live;
}

function IdcCell({ service, idc }: { service: string; idc: IdcStatus | undefined }) {
  if (!idc) return <div role="cell" className="cell empty" />;
  const label = `${service} in ${idc.idc}: ${idc.state} (${idc.reason}), score ${Math.round(idc.score)}, capacity ${formatCapacity(idc.healthyCapacity)} of ${idc.totalCapacity}, weight ${idc.weight}`;
  return (
    <div
      role="cell"
      className={`cell state-${idc.state.toLowerCase()}`}
      data-testid={`cell-${service}-${idc.idc}`}
      data-state={idc.state}
      aria-label={label}
      title={`${idc.reason} since ${formatAgo(idc.since)}`}
    >
      <strong>{idc.state}</strong>
      <span>score {Math.round(idc.score)}</span>
      <span>
        cap {formatCapacity(idc.healthyCapacity)}/{idc.totalCapacity} · w {idc.weight}
      </span>
    </div>
  );
}

function Summary({ status }: { status: Status }) {
  const actions = useQuery({
    queryKey: ['actions', 'open'],
    queryFn: async () => {
      const pages = await Promise.all(
        OPEN_STATES.map((state) =>
          ok(api.GET('/api/v1/actions', { params: { query: { state, limit: 20 } } })),
        ),
      );
      return pages.flatMap((page) => page.items);
    },
    refetchInterval: 5_000,
  });
  const troubled = status.services.flatMap((s) =>
    s.idcs
      .filter((i) => i.state === 'UNHEALTHY' || i.state === 'DEGRADED')
      .map((i) => ({ service: s.service, ...i })),
  );
  return (
    <section className="summary" aria-label="At a glance">
      <div className="panel">
        <h2>Vantages</h2>
        <p>
          {status.vantages.live.length} live
          {status.vantages.live.length ? `: ${status.vantages.live.join(', ')}` : ''}
        </p>
        {status.vantages.suspect.length ? (
          <p className="warn">suspect: {status.vantages.suspect.join(', ')}</p>
        ) : null}
        {status.stale ? (
          <p className="warn">The controller is not publishing: this snapshot is stale.</p>
        ) : null}
      </div>
      <div className="panel">
        <h2>Open actions</h2>
        {actions.error ? <ErrorBox error={actions.error} /> : null}
        {actions.data?.length ? (
          <ul>
            {actions.data.map((a) => (
              <li key={a.id}>
                <Link to={`/actions/${a.id}`}>
                  {a.kind} {a.service}
                  {a.idc ? `/${a.idc}` : ''}
                </Link>{' '}
                <StateBadge state={a.state} />
              </li>
            ))}
          </ul>
        ) : (
          <p>{actions.isPending ? 'Loading…' : 'None'}</p>
        )}
      </div>
      <div className="panel">
        <h2>Open incidents</h2>
        {troubled.length ? (
          <ul>
            {troubled.slice(0, 8).map((t) => (
              <li key={`${t.service}/${t.idc}`}>
                <Link to={`/services/${encodeURIComponent(t.service)}`}>
                  {t.service}/{t.idc}
                </Link>{' '}
                <StateBadge state={t.state} /> {t.reason}, {formatAgo(t.since)}
              </li>
            ))}
            {troubled.length > 8 ? <li>and {troubled.length - 8} more</li> : null}
          </ul>
        ) : (
          <p>Every IDC is healthy.</p>
        )}
      </div>
    </section>
  );
}

function Grid({ services, idcs }: { services: ServiceStatus[]; idcs: string[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: services.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const columns = { gridTemplateColumns: `minmax(12rem, 1.5fr) repeat(${idcs.length}, minmax(9rem, 1fr))` };
  return (
    <div role="table" className="board" aria-label="Services by IDC" aria-rowcount={services.length + 1}>
      <div role="row" className="board-row board-head" style={columns}>
        <div role="columnheader">Service</div>
        {idcs.map((idc) => (
          <div role="columnheader" key={idc}>
            {idc}
          </div>
        ))}
      </div>
      <div ref={scroller} role="rowgroup" className="board-body" tabIndex={0} aria-label="Services">
        <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
          {rows.getVirtualItems().map((row) => {
            const service = services[row.index];
            const byIdc = new Map(service.idcs.map((i) => [i.idc, i]));
            return (
              <div
                role="row"
                aria-rowindex={row.index + 2}
                key={service.service}
                className="board-row"
                style={{
                  ...columns,
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${row.start}px)`,
                }}
              >
                <div role="rowheader" className="service-name">
                  <Link to={`/services/${encodeURIComponent(service.service)}`}>{service.service}</Link>
                  <small>
                    {service.endpoints.HEALTHY} healthy · {service.endpoints.DEGRADED} degraded ·{' '}
                    {service.endpoints.UNHEALTHY} unhealthy
                  </small>
                </div>
                {idcs.map((idc) => (
                  <IdcCell key={idc} service={service.service} idc={byIdc.get(idc)} />
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Services × IDCs, live: state, score, healthy/total capacity and weight of every (service, IDC). */
export default function BoardPage() {
  const status = useQuery({
    queryKey: STATUS_KEY,
    queryFn: () => ok(api.GET('/api/v1/status')),
    refetchInterval: 5_000,
  });
  const live = useLiveIdcStates();
  const [filter, setFilter] = useState('');
  const [troubledOnly, setTroubledOnly] = useState(false);
  const query = useDeferredValue(filter.trim().toLowerCase());

  const current = useMemo(() => status.data && withLiveStates(status.data, live), [status.data, live]);
  const services = current?.services;
  const idcs = useMemo(
    () => [...new Set((services ?? []).flatMap((s) => s.idcs.map((i) => i.idc)))].sort(),
    [services],
  );
  const shown = useMemo(
    () =>
      (services ?? []).filter(
        (s) =>
          (!query || s.service.toLowerCase().includes(query)) &&
          (!troubledOnly || s.idcs.some((i) => i.state !== 'HEALTHY')),
      ),
    [services, query, troubledOnly],
  );

  return (
    <>
      <PageHeader title="Board">
        <label className="field inline">
          Filter
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="service"
          />
        </label>
        <label className="field inline">
          <input type="checkbox" checked={troubledOnly} onChange={(e) => setTroubledOnly(e.target.checked)} />
          Not healthy only
        </label>
      </PageHeader>
      {status.error ? <ErrorBox error={status.error} /> : null}
      {current ? (
        <>
          <Summary status={current} />
          <p className="muted">
            {shown.length} of {current.services.length} services · config v{current.configVersion ?? '—'} ·
            updated {formatAgo(current.generatedAt)}
          </p>
          <Grid services={shown} idcs={idcs} />
        </>
      ) : status.isPending ? (
        <Loading what="Loading the board" />
      ) : null}
    </>
  );
}
