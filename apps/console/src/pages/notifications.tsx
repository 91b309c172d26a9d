import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok, type Schema } from '../api';
import { matchersFromNotification } from '../silences/matchers';
import { SilenceButton } from '../silences/silence-form';
import { useCan } from '../session';
import { ChoiceFilter } from '../ui/choice-filter';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { formatTime } from '../ui/format';
import { LabelList } from '../ui/labels';
import { LoadMore } from '../ui/load-more';
import { pick, useFilters } from '../ui/use-query-param';
import { ErrorBox, Loading, PageHeader } from '../ui/page';
import { StateBadge } from '../ui/state-badge';

type Notification = Schema<'NotificationDto'>;
type NotificationState = Notification['state'];
type NotifyEvent = Notification['event'];

const STATES: NotificationState[] = ['pending', 'delivered', 'failed', 'silenced', 'suppressed'];
const EVENTS: NotifyEvent[] = [
  'endpoint.state',
  'idc.state',
  'vantage.suspect',
  'traffic.drift',
  'action.proposed',
  'action.awaiting-approval',
  'action.executed',
  'action.failed',
  'action.held',
  'action.refused',
  'panic',
  'rule.notify',
  'rule.disabled',
];
/** The dead-letter list: notifications whose every delivery attempt failed. */
const DEAD: NotificationState = 'failed';

function NotificationActions({ n }: { n: Notification }) {
  const client = useQueryClient();
  return (
    <div className="row-actions">
      {n.state === DEAD ? (
        <ConfirmDialog
          label="Resend"
          title={`Resend “${n.title}”?`}
          onConfirm={async () => {
            await ok(api.POST('/api/v1/notifications/{id}/resend', { params: { path: { id: n.id } } }));
            await client.invalidateQueries({ queryKey: ['notifications'] });
          }}
        >
          <p>
            It goes back to pending and is sent to channel <strong>{n.channel}</strong> again, with a full set
            of attempts ({n.attempts} failed so far
            {n.lastError ? `; last error: ${n.lastError}` : ''}).
          </p>
        </ConfirmDialog>
      ) : null}
      <SilenceButton matchers={matchersFromNotification(n)} subject={`“${n.title}”`} />
    </div>
  );
}

/** Notifications sent (or not) per channel, with the dead-letter list, Resend and Silence…. */
export default function NotificationsPage() {
  const [params, setFilter] = useFilters();
  const canOperate = useCan('operator');
  const state = pick(STATES, params.get('state'));
  const event = pick(EVENTS, params.get('event'));
  const channel = params.get('channel')?.trim() || undefined;
  const incident = params.get('incident')?.trim() || undefined;

  const notifications = useInfiniteQuery({
    queryKey: ['notifications', 'list', { state, event, channel, incident }],
    queryFn: ({ pageParam }) =>
      ok(
        api.GET('/api/v1/notifications', {
          params: {
            query: {
              state,
              event,
              channel,
              incident,
              limit: 50,
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.next ?? undefined,
    refetchInterval: 10_000,
  });
  const items = notifications.data?.pages.flatMap((p) => p.items) ?? [];

  const textFilter = (key: string, label: string, value: string | undefined) => (
    <label className="field inline">
      {label}
      <input
        key={value ?? ''}
        type="search"
        defaultValue={value ?? ''}
        onKeyDown={(e) => {
          if (e.key === 'Enter') setFilter(key, e.currentTarget.value.trim());
        }}
        onBlur={(e) => setFilter(key, e.currentTarget.value.trim())}
      />
    </label>
  );

  return (
    <>
      <PageHeader title="Notifications" />
      <div className="filters">
        <div className="tabs" role="group" aria-label="List">
          <button type="button" aria-pressed={state !== DEAD} onClick={() => setFilter('state', '')}>
            All
          </button>
          <button type="button" aria-pressed={state === DEAD} onClick={() => setFilter('state', DEAD)}>
            Dead letters
          </button>
        </div>
        <ChoiceFilter
          label="State"
          value={state}
          choices={STATES}
          onChange={(v) => setFilter('state', v)}
          describe={(s) => (s === DEAD ? 'failed (dead letter)' : s)}
        />
        <ChoiceFilter label="Event" value={event} choices={EVENTS} onChange={(v) => setFilter('event', v)} />
        {textFilter('channel', 'Channel', channel)}
        {textFilter('incident', 'Incident', incident)}
      </div>
      <ErrorBox error={notifications.error} />
      {notifications.isPending ? (
        <Loading what="Loading notifications" />
      ) : items.length === 0 && !notifications.error ? (
        <p className="empty">
          {state === DEAD
            ? 'No dead letters: every notification was delivered or is still being tried.'
            : 'No notifications match.'}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="ops-table" aria-label={state === DEAD ? 'Dead letters' : 'Notifications'}>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Event</th>
                <th scope="col">Notification</th>
                <th scope="col">Channel</th>
                <th scope="col">State</th>
                <th scope="col">Labels</th>
                <th scope="col">Incident</th>
                {canOperate ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((n) => (
                <tr key={n.id} data-testid={`notification-${n.id}`} data-state={n.state}>
                  <td>{formatTime(n.createdAt)}</td>
                  <td>
                    {n.event}
                    <div className="muted">
                      {n.phase} · {n.severity}
                    </div>
                  </td>
                  <td className="wrap">
                    <strong>{n.title}</strong>
                    <div className="muted">{n.text}</div>
                  </td>
                  <td>{n.channel}</td>
                  <td>
                    <StateBadge state={n.state} />
                    <div className="muted">
                      {n.attempts} attempt{n.attempts === 1 ? '' : 's'}
                      {n.deliveredAt ? `, delivered ${formatTime(n.deliveredAt)}` : ''}
                    </div>
                    {n.lastError ? <div className="error-text">{n.lastError}</div> : null}
                    {n.silenceId ? (
                      <div>
                        <Link to="/silences">muted by a silence</Link>
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <LabelList labels={n.labels} label="Labels" />
                  </td>
                  <td>
                    <Link
                      to={`/incidents/${encodeURIComponent(n.incidentKey)}`}
                      aria-label={`Incident of ${n.title} (${n.createdAt})`}
                      title={n.incidentKey}
                    >
                      incident
                    </Link>
                  </td>
                  {canOperate ? (
                    <td>
                      <NotificationActions n={n} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {items.length ? (
        <LoadMore
          shown={items.length}
          hasMore={notifications.hasNextPage}
          loading={notifications.isFetchingNextPage}
          onMore={() => void notifications.fetchNextPage()}
        />
      ) : null}
    </>
  );
}
