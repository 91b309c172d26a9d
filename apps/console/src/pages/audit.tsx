import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, ok } from '../api';
import { formatTime } from '../ui/format';
import { ErrorBox, Loading, PageHeader } from '../ui/page';

const PAGE = 100;

/** The audit log, newest first: who changed what, from where; filtered by actor and action in the URL. */
export default function AuditPage() {
  const [params, setParams] = useSearchParams();
  const actor = params.get('actor') ?? '';
  const action = params.get('action') ?? '';
  const [actorInput, setActorInput] = useState(actor);
  const [actionInput, setActionInput] = useState(action);

  const log = useInfiniteQuery({
    queryKey: ['audit', actor, action],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      ok(
        api.GET('/api/v1/audit', {
          params: {
            query: {
              limit: PAGE,
              ...(pageParam ? { before: pageParam } : {}),
              ...(actor ? { actor } : {}),
              ...(action ? { action } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (page) => page.next ?? undefined,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setParams((p) => {
      const next = new URLSearchParams(p);
      for (const [key, value] of [
        ['actor', actorInput.trim()],
        ['action', actionInput.trim()],
      ] as const) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      return next;
    });
  };

  const entries = log.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader title="Audit log">
        <form className="filters" onSubmit={submit} role="search" aria-label="Filter the audit log">
          <label className="field inline">
            Actor
            <input
              value={actorInput}
              onChange={(e) => setActorInput(e.target.value)}
              placeholder="key name"
            />
          </label>
          <label className="field inline">
            Action
            <input
              value={actionInput}
              onChange={(e) => setActionInput(e.target.value)}
              placeholder="config.apply"
            />
          </label>
          <button type="submit">Filter</button>
        </form>
      </PageHeader>
      {log.error ? <ErrorBox error={log.error} /> : null}
      {log.isPending ? <Loading what="Loading the audit log" /> : null}
      {log.data && entries.length === 0 ? (
        <p>No audit entries{actor || action ? ' match' : ' yet'}.</p>
      ) : null}
      {entries.length ? (
        <table className="audit">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Source IP</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{formatTime(entry.at)}</td>
                <td>{entry.actor}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td>
                  <code>{entry.target}</code>
                </td>
                <td>{entry.sourceIp ?? '—'}</td>
                <td>
                  {Object.keys(entry.summary).length ? (
                    <details>
                      <summary>Details</summary>
                      <pre>{JSON.stringify(entry.summary, null, 2)}</pre>
                    </details>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {log.hasNextPage ? (
        <div className="pager">
          <button type="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
            {log.isFetchingNextPage ? 'Loading…' : 'Older entries'}
          </button>
        </div>
      ) : null}
    </>
  );
}
