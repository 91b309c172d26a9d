import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, ok } from '../api';
import { incidentScope } from '../notifications/incident-window';
import { formatTime } from '../ui/format';
import { ErrorBox, Loading, PageHeader } from '../ui/page';
import { StateBadge } from '../ui/state-badge';

/** One incident (the notifier's incident key): its notifications and the events around them. */
export default function IncidentPage() {
  const { id = '' } = useParams();
  const notifications = useQuery({
    queryKey: ['notifications', 'incident', id],
    queryFn: () => ok(api.GET('/api/v1/notifications', { params: { query: { incident: id, limit: 200 } } })),
    refetchInterval: 15_000,
  });
  const items = notifications.data?.items ?? [];
  const scope = incidentScope(items);
  const events = useQuery({
    queryKey: ['events', 'incident', scope],
    enabled: scope.from !== null,
    queryFn: () =>
      ok(
        api.GET('/api/v1/events', {
          params: {
            query: {
              ...(scope.service ? { service: scope.service } : {}),
              ...(scope.idc ? { idc: scope.idc } : {}),
              from: scope.from ?? undefined,
              to: scope.to ?? undefined,
              limit: 200,
            },
          },
        }),
      ),
  });
  const first = items[items.length - 1];

  return (
    <>
      <PageHeader title={first ? `Incident: ${first.title}` : 'Incident'}>
        <Link to={`/notifications?incident=${encodeURIComponent(id)}`}>In the notifications list</Link>
      </PageHeader>
      <p className="muted">
        Incident key <code>{id}</code>
        {scope.service ? (
          <>
            {' '}
            · service <Link to={`/services/${encodeURIComponent(scope.service)}`}>{scope.service}</Link>
          </>
        ) : null}
        {scope.idc ? ` / ${scope.idc}` : ''}
      </p>
      <section aria-labelledby="incident-notifications" className="ops-section">
        <h2 id="incident-notifications">Notifications</h2>
        <ErrorBox error={notifications.error} />
        {notifications.isPending ? (
          <Loading what="Loading notifications" />
        ) : items.length === 0 && !notifications.error ? (
          <p className="empty">No notifications for this incident.</p>
        ) : (
          <div className="table-scroll">
            <table className="ops-table" aria-label="Notifications of the incident">
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">Phase</th>
                  <th scope="col">Event</th>
                  <th scope="col">Notification</th>
                  <th scope="col">Channel</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {items.map((n) => (
                  <tr key={n.id}>
                    <td>{formatTime(n.createdAt)}</td>
                    <td>{n.phase}</td>
                    <td>
                      {n.event}
                      <div className="muted">{n.severity}</div>
                    </td>
                    <td className="wrap">
                      <strong>{n.title}</strong>
                      <div className="muted">{n.text}</div>
                    </td>
                    <td>{n.channel}</td>
                    <td>
                      <StateBadge state={n.state} />
                      {n.lastError ? <div className="error-text">{n.lastError}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="incident-events" className="ops-section">
        <h2 id="incident-events">Events around it</h2>
        {scope.from ? (
          <p className="muted">
            {scope.service ?? 'every service'}
            {scope.idc ? ` / ${scope.idc}` : ''}, {formatTime(scope.from)} – {formatTime(scope.to)}
          </p>
        ) : null}
        <ErrorBox error={events.error} />
        {events.isLoading ? <Loading what="Loading events" /> : null}
        {events.data ? (
          events.data.items.length ? (
            <div className="table-scroll">
              <table className="ops-table" aria-label="Events around the incident">
                <thead>
                  <tr>
                    <th scope="col">At</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Subject</th>
                    <th scope="col">Change</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {events.data.items.map((e) => (
                    <tr key={e.id}>
                      <td>{formatTime(e.at)}</td>
                      <td>{e.kind}</td>
                      <td>{[e.service, e.idc, e.endpoint, e.vantage].filter(Boolean).join(' / ') || '—'}</td>
                      <td>
                        <StateBadge state={e.before} /> → <StateBadge state={e.after} />
                      </td>
                      <td className="wrap">{e.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="empty">No events in that window.</p>
          )
        ) : null}
      </section>
    </>
  );
}
