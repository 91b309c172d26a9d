import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ok } from '../api';
import {
  EVENT_KINDS,
  eventKey,
  filtersFromQuery,
  filtersToQuery,
  isoToLocalInput,
  localInputToIso,
  matchesFilters,
  prependEvents,
  type EventFilters,
  type TimelineEvent,
} from '../events/filters';
import { useLiveEvents } from '../live';
import { formatTime } from '../ui/format';
import { ErrorBox, Loading, PageHeader } from '../ui/page';
import { StateBadge } from '../ui/state-badge';

const PAGE_SIZE = 100;

/** The filter form: edited locally, written to the URL query on submit (so a link can share it). */
function FilterForm({ filters }: { filters: EventFilters }) {
  const [, setParams] = useSearchParams();
  const [draft, setDraft] = useState(() => ({
    ...filters,
    from: isoToLocalInput(filters.from),
    to: isoToLocalInput(filters.to),
  }));
  // A link or Back changes the URL: show its filters.
  useEffect(() => {
    setDraft({ ...filters, from: isoToLocalInput(filters.from), to: isoToLocalInput(filters.to) });
  }, [filters]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(
      filtersToQuery({
        ...draft,
        from: localInputToIso(draft.from ?? ''),
        to: localInputToIso(draft.to ?? ''),
      }),
    );
  };
  const text = (field: 'service' | 'idc' | 'endpoint' | 'from' | 'to') => ({
    value: draft[field] ?? '',
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: e.target.value })),
  });

  return (
    <form className="filters" role="search" aria-label="Filter events" onSubmit={submit}>
      <label className="field inline">
        Kind
        <select
          value={draft.kind ?? ''}
          onChange={(e) =>
            setDraft((d) => ({ ...d, kind: (e.target.value || undefined) as EventFilters['kind'] }))
          }
        >
          <option value="">All</option>
          {EVENT_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
      </label>
      <label className="field inline">
        Service
        <input {...text('service')} />
      </label>
      <label className="field inline">
        IDC
        <input {...text('idc')} size={8} />
      </label>
      <label className="field inline">
        Endpoint
        <input {...text('endpoint')} placeholder="service.name" />
      </label>
      <label className="field inline">
        From
        <input type="datetime-local" {...text('from')} />
      </label>
      <label className="field inline">
        To
        <input type="datetime-local" {...text('to')} />
      </label>
      <button type="submit" className="primary">
        Filter
      </button>
      <button type="button" onClick={() => setParams(new URLSearchParams())}>
        Clear
      </button>
    </form>
  );
}

function Subject({ event }: { event: TimelineEvent }) {
  const parts = [];
  if (event.service) {
    parts.push(
      <Link key="s" to={`/services/${encodeURIComponent(event.service)}`}>
        {event.service}
      </Link>,
    );
  }
  if (event.idc) {
    parts.push(
      event.service ? (
        <Link
          key="i"
          to={`/services/${encodeURIComponent(event.service)}?idc=${encodeURIComponent(event.idc)}`}
        >
          IDC {event.idc}
        </Link>
      ) : (
        <span key="i">IDC {event.idc}</span>
      ),
    );
  }
  if (event.endpoint) {
    parts.push(
      <Link key="e" to={`/endpoints/${encodeURIComponent(event.endpoint)}`}>
        {event.endpoint}
      </Link>,
    );
  }
  if (event.vantage) parts.push(<span key="v">vantage {event.vantage}</span>);
  if (!parts.length) return <>—</>;
  return (
    <span className="subject">
      {parts.flatMap((part, i) => (i ? [<span key={`sep${i}`}> · </span>, part] : [part]))}
    </span>
  );
}

function EventRow({ event, fresh }: { event: TimelineEvent; fresh?: boolean }) {
  return (
    <tr className={fresh ? 'fresh' : undefined} data-testid={`event-${event.id}`}>
      <td>
        <time dateTime={event.at}>{formatTime(event.at)}</time>
      </td>
      <td>{event.kind}</td>
      <td>
        <Subject event={event} />
      </td>
      <td className="transition">
        <StateBadge state={event.before} /> <span aria-label="to">→</span> <StateBadge state={event.after} />
      </td>
      <td>{event.reason}</td>
    </tr>
  );
}

/** Live events matching the filters, newest first; while paused they wait to be shown. */
function useLiveTimeline(filters: EventFilters) {
  const [live, setLive] = useState<TimelineEvent[]>([]);
  const [waiting, setWaiting] = useState<TimelineEvent[]>([]);
  const [paused, setPaused] = useState(false);
  const key = filtersToQuery(filters).toString();
  useEffect(() => {
    setLive([]);
    setWaiting([]);
  }, [key]);
  useLiveEvents((event) => {
    if (!matchesFilters(event, filters)) return;
    if (paused) setWaiting((w) => prependEvents([event], w));
    else setLive((l) => prependEvents([event], l));
  });
  const resume = () => {
    setLive((l) => prependEvents(waiting, l));
    setWaiting([]);
    setPaused(false);
  };
  return { live, waiting, paused, pause: () => setPaused(true), resume };
}

/** State changes of endpoints, IDCs, vantages, alerts and rules: filtered, paged, and live. */
export default function TimelinePage() {
  const [params] = useSearchParams();
  const filters = useMemo(() => filtersFromQuery(params), [params]);
  const events = useInfiniteQuery({
    queryKey: ['events', filters],
    queryFn: ({ pageParam }) =>
      ok(
        api.GET('/api/v1/events', {
          params: { query: { ...filters, limit: PAGE_SIZE, cursor: pageParam ?? undefined } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next,
  });
  const { live, waiting, paused, pause, resume } = useLiveTimeline(filters);

  const listed = useMemo<TimelineEvent[]>(
    () =>
      events.data?.pages.flatMap((p) =>
        p.items.map((e) => ({ ...e, endpoint: e.endpoint ?? null, vantage: e.vantage ?? null })),
      ) ?? [],
    [events.data],
  );
  const shown = useMemo(() => {
    const keys = new Set(listed.map(eventKey));
    return [...live.filter((e) => !keys.has(eventKey(e))), ...listed];
  }, [live, listed]);
  const freshIds = useMemo(() => new Set(live.map((e) => e.id)), [live]);

  return (
    <>
      <PageHeader title="Timeline">
        <button type="button" aria-pressed={paused} onClick={paused ? resume : pause}>
          Pause live
        </button>
      </PageHeader>
      <FilterForm filters={filters} />
      <p className="muted" role="status">
        {paused
          ? `Paused: ${waiting.length} new event${waiting.length === 1 ? '' : 's'} waiting; press Pause live again to show them.`
          : 'New events matching the filters appear at the top.'}
      </p>
      {events.error ? <ErrorBox error={events.error} /> : null}
      {events.isPending ? (
        <Loading what="Loading events" />
      ) : shown.length ? (
        <table className="timeline">
          <caption className="visually-hidden">Events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Kind</th>
              <th scope="col">Subject</th>
              <th scope="col">Before → after</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((event) => (
              <EventRow key={event.id} event={event} fresh={freshIds.has(event.id)} />
            ))}
          </tbody>
        </table>
      ) : events.data ? (
        <p>No events match these filters.</p>
      ) : null}
      {events.hasNextPage ? (
        <button
          type="button"
          onClick={() => void events.fetchNextPage()}
          disabled={events.isFetchingNextPage}
        >
          {events.isFetchingNextPage ? 'Loading…' : 'Older'}
        </button>
      ) : events.data && shown.length ? (
        <p className="muted">No older events.</p>
      ) : null}
    </>
  );
}
