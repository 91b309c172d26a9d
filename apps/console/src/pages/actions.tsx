import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok, type Schema } from '../api';
import { isOpen } from '../actions/action-rules';
import { actionSubject } from '../traffic/drain';
import { formatTime } from '../ui/format';
import { LoadMore } from '../ui/load-more';
import { ChoiceFilter } from '../ui/choice-filter';
import { useFilters } from '../ui/use-query-param';
import { ErrorBox, Loading, PageHeader } from '../ui/page';
import { StateBadge } from '../ui/state-badge';

type ActionState = Schema<'ActionSummaryDto'>['state'];
const STATES: ActionState[] = [
  'awaiting-approval',
  'executing',
  'held',
  'completed',
  'failed',
  'dry-run',
  'refused',
  'rejected',
  'cancelled',
  'rolled-back',
];

/** Traffic actions, newest first, filtered by state and service (in the URL); polls while any is open. */
export default function ActionsPage() {
  const [params, setFilter] = useFilters();
  const state = (STATES as string[]).includes(params.get('state') ?? '')
    ? (params.get('state') as ActionState)
    : undefined;
  const service = params.get('service')?.trim() || undefined;

  const actions = useInfiniteQuery({
    queryKey: ['actions', 'list', { state, service }],
    queryFn: ({ pageParam }) =>
      ok(
        api.GET('/api/v1/actions', {
          params: { query: { state, service, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.next ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((a) => isOpen(a.state))) ? 3_000 : false,
  });
  const items = actions.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader title="Actions">
        <ChoiceFilter label="State" value={state} choices={STATES} onChange={(v) => setFilter('state', v)} />
        <label className="field inline">
          Service
          <input
            type="search"
            defaultValue={service ?? ''}
            placeholder="exact name"
            onKeyDown={(e) => {
              if (e.key === 'Enter') setFilter('service', e.currentTarget.value.trim());
            }}
            onBlur={(e) => setFilter('service', e.currentTarget.value.trim())}
          />
        </label>
      </PageHeader>
      <ErrorBox error={actions.error} />
      {actions.isPending ? (
        <Loading what="Loading actions" />
      ) : items.length === 0 && !actions.error ? (
        <p className="empty">{state || service ? 'No actions match these filters.' : 'No actions yet.'}</p>
      ) : (
        <div className="table-scroll">
          <table className="ops-table">
            <caption className="visually-hidden">Traffic actions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Kind</th>
                <th scope="col">Service / IDC</th>
                <th scope="col">Mode</th>
                <th scope="col">State</th>
                <th scope="col">Steps</th>
                <th scope="col">Rule</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} data-testid={`action-${a.id}`}>
                  <td>
                    <Link
                      to={`/actions/${a.id}`}
                      aria-label={`${a.endpoint ? actionSubject(a) : a.kind} ${a.service} at ${formatTime(a.createdAt)}`}
                    >
                      {formatTime(a.createdAt)}
                    </Link>
                  </td>
                  <td>{a.endpoint ? actionSubject(a) : a.kind}</td>
                  <td>
                    {a.service}
                    {a.idc ? ` / ${a.idc}` : ''}
                  </td>
                  <td>{a.mode}</td>
                  <td>
                    <StateBadge state={a.state} />
                  </td>
                  <td>
                    {a.stepsDone}/{a.stepsTotal}
                  </td>
                  <td>{a.rule ?? <span className="muted">manual</span>}</td>
                  <td className="wrap">
                    {a.reason}
                    {a.error ? <div className="error-text">{a.error}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {items.length ? (
        <LoadMore
          shown={items.length}
          hasMore={actions.hasNextPage}
          loading={actions.isFetchingNextPage}
          onMore={() => void actions.fetchNextPage()}
        />
      ) : null}
    </>
  );
}
