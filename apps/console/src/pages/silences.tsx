import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ok, type Schema } from '../api';
import { formatMatcher } from '../silences/matchers';
import { SilenceForm } from '../silences/silence-form';
import { useCan } from '../session';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { formatTime } from '../ui/format';
import { ErrorBox, Loading, PageHeader } from '../ui/page';
import { StateBadge } from '../ui/state-badge';

type SilenceState = Schema<'SilenceDto'>['state'];
const TABS: Array<{ state: SilenceState; label: string }> = [
  { state: 'active', label: 'Active' },
  { state: 'pending', label: 'Pending' },
  { state: 'expired', label: 'Expired' },
];

/** Silences: active, not yet started and expired ones; create one; expire one early. */
export default function SilencesPage() {
  const [params, setParams] = useSearchParams();
  const canOperate = useCan('operator');
  const client = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const state = TABS.find((t) => t.state === params.get('state'))?.state ?? 'active';

  const silences = useQuery({
    queryKey: ['silences', state],
    queryFn: () => ok(api.GET('/api/v1/silences', { params: { query: { state, limit: 500 } } })),
    refetchInterval: 15_000,
  });
  const items = silences.data?.items ?? [];

  return (
    <>
      <PageHeader title="Silences">
        {canOperate && !creating ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New silence
          </button>
        ) : null}
      </PageHeader>
      {creating ? (
        <section className="panel" aria-labelledby="new-silence-title">
          <h2 id="new-silence-title">New silence</h2>
          <SilenceForm
            onCancel={() => setCreating(false)}
            onCreated={(silence) => {
              setCreating(false);
              setCreated(`Silence created, until ${formatTime(silence.endsAt)}.`);
            }}
          />
        </section>
      ) : null}
      {created ? (
        <p role="status" className="notice">
          {created}
        </p>
      ) : null}
      <nav className="tabs" aria-label="Silence state">
        {TABS.map((t) => (
          <button
            key={t.state}
            type="button"
            aria-pressed={t.state === state}
            onClick={() => setParams(t.state === 'active' ? {} : { state: t.state }, { replace: true })}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <ErrorBox error={silences.error} />
      {silences.isPending ? (
        <Loading what="Loading silences" />
      ) : items.length === 0 && !silences.error ? (
        <p className="empty">No {state} silences.</p>
      ) : (
        <div className="table-scroll">
          <table className="ops-table" aria-label={`${state} silences`}>
            <thead>
              <tr>
                <th scope="col">Matchers</th>
                <th scope="col">State</th>
                <th scope="col">Starts</th>
                <th scope="col">Ends</th>
                <th scope="col">Comment</th>
                <th scope="col">Created by</th>
                {canOperate && state !== 'expired' ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id} data-testid={`silence-${s.id}`}>
                  <td>
                    {s.matchers.map((m, i) => (
                      <code key={i} className="matcher">
                        {formatMatcher(m)}
                      </code>
                    ))}
                  </td>
                  <td>
                    <StateBadge state={s.state} />
                  </td>
                  <td>{formatTime(s.startsAt)}</td>
                  <td>{formatTime(s.endsAt)}</td>
                  <td className="wrap">{s.comment}</td>
                  <td>{s.createdBy}</td>
                  {canOperate && state !== 'expired' ? (
                    <td>
                      {s.state !== 'expired' ? (
                        <ConfirmDialog
                          label="Expire"
                          title="Expire this silence?"
                          danger
                          onConfirm={async () => {
                            await ok(api.DELETE('/api/v1/silences/{id}', { params: { path: { id: s.id } } }));
                            await client.invalidateQueries({ queryKey: ['silences'] });
                          }}
                        >
                          <p>
                            It ends now: notifications matching{' '}
                            {s.matchers.map((m) => formatMatcher(m)).join(', ')} are sent again from now on.
                            Notifications it already silenced stay silenced (Resend sends one).
                          </p>
                        </ConfirmDialog>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
