import { useInfiniteQuery } from '@tanstack/react-query';
import { api, ok, type Schema } from '../api';
import { matchersFromAlert } from '../silences/matchers';
import { SilenceButton } from '../silences/silence-form';
import { useCan } from '../session';
import { formatTime } from '../ui/format';
import { LabelList } from '../ui/labels';
import { LoadMore } from '../ui/load-more';
import { ChoiceFilter } from '../ui/choice-filter';
import { pick, useFilters } from '../ui/use-query-param';
import { ErrorBox, Loading, PageHeader } from '../ui/page';
import { StateBadge } from '../ui/state-badge';

type Alert = Schema<'AlertDto'>;
const STATUSES: Alert['status'][] = ['firing', 'resolved'];
const SOURCES: Alert['source'][] = ['alertmanager', 'grafana', 'generic'];
const TEXT_FILTERS = [
  ['name', 'Name'],
  ['service', 'Service'],
  ['idc', 'IDC'],
] as const;

/** Alerts received from Alertmanager, Grafana and generic webhooks, newest first, with Silence…. */
export default function AlertsPage() {
  const [params, setFilter] = useFilters();
  const canOperate = useCan('operator');
  const status = pick(STATUSES, params.get('status'));
  const source = pick(SOURCES, params.get('source'));
  const text = Object.fromEntries(
    TEXT_FILTERS.map(([k]) => [k, params.get(k)?.trim() || undefined]),
  ) as Record<(typeof TEXT_FILTERS)[number][0], string | undefined>;

  const alerts = useInfiniteQuery({
    queryKey: ['alerts', 'list', { status, source, ...text }],
    queryFn: ({ pageParam }) =>
      ok(
        api.GET('/api/v1/alerts', {
          params: {
            query: { status, source, ...text, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.next ?? undefined,
    refetchInterval: 10_000,
  });
  const items = alerts.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader title="Alerts" />
      <div className="filters">
        <ChoiceFilter
          label="Status"
          value={status}
          choices={STATUSES}
          onChange={(v) => setFilter('status', v)}
        />
        <ChoiceFilter
          label="Source"
          value={source}
          choices={SOURCES}
          onChange={(v) => setFilter('source', v)}
        />
        {TEXT_FILTERS.map(([key, label]) => (
          <label className="field inline" key={key}>
            {label}
            <input
              key={text[key] ?? ''}
              type="search"
              defaultValue={text[key] ?? ''}
              onKeyDown={(e) => {
                if (e.key === 'Enter') setFilter(key, e.currentTarget.value.trim());
              }}
              onBlur={(e) => setFilter(key, e.currentTarget.value.trim())}
            />
          </label>
        ))}
      </div>
      <ErrorBox error={alerts.error} />
      {alerts.isPending ? (
        <Loading what="Loading alerts" />
      ) : items.length === 0 && !alerts.error ? (
        <p className="empty">No alerts match.</p>
      ) : (
        <ul className="alert-list" aria-label="Alerts">
          {items.map((a) => (
            <li key={`${a.source}-${a.fingerprint}`} className="panel" data-testid={`alert-${a.fingerprint}`}>
              <div className="alert-head">
                <h2>{a.name}</h2>
                <StateBadge state={a.status} />
                <span className="muted">
                  {a.source}
                  {a.service ? ` · ${a.service}` : ''}
                  {a.idc ? ` / ${a.idc}` : ''}
                  {a.endpoint ? ` · ${a.endpoint}` : ''}
                </span>
                {canOperate ? (
                  <span className="row-actions">
                    <SilenceButton matchers={matchersFromAlert(a)} subject={`alert ${a.name}`} />
                  </span>
                ) : null}
              </div>
              <p className="muted">
                Started {formatTime(a.startsAt)}
                {a.endsAt ? `, ends ${formatTime(a.endsAt)}` : ''} · received {a.receivedCount}× since{' '}
                {formatTime(a.firstReceivedAt)}, last {formatTime(a.updatedAt)}
                {a.generatorUrl ? (
                  <>
                    {' '}
                    ·{' '}
                    <a href={a.generatorUrl} target="_blank" rel="noreferrer">
                      source
                    </a>
                  </>
                ) : null}
              </p>
              <div className="two-col">
                <div>
                  <h3>Labels</h3>
                  <LabelList labels={a.labels} label={`Labels of ${a.name}`} />
                </div>
                <div>
                  <h3>Annotations</h3>
                  <LabelList labels={a.annotations} label={`Annotations of ${a.name}`} />
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
      {items.length ? (
        <LoadMore
          shown={items.length}
          hasMore={alerts.hasNextPage}
          loading={alerts.isFetchingNextPage}
          onMore={() => void alerts.fetchNextPage()}
        />
      ) : null}
    </>
  );
}
