import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok, type Schema } from '../api';
import { effectsInWords, scheduleInWords, scopeInWords } from '../maintenance/schedule-words';
import { MaintenanceWindowForm } from '../maintenance/window-form';
import { useCan } from '../session';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { formatTime } from '../ui/format';
import { ErrorBox, Loading, PageHeader } from '../ui/page';
import { StateBadge } from '../ui/state-badge';

type Window = Schema<'MaintenanceWindowDto'>;

/** What ending a window in force gives back, e.g. `automation may act again on web in sha.` */
function cancelEffects(w: Window): string {
  const scope = scopeInWords(w);
  const parts = [w.freeze ? 'automation may act again' : '', w.silence ? 'notifications are sent again' : '']
    .filter(Boolean)
    .join(' and ');
  return `${parts} on ${scope}.`;
}

function NextOccurrences({ w }: { w: Window }) {
  if (!w.next.length) return <span className="muted">none</span>;
  return (
    <ul className="plain">
      {w.next.map((o) => (
        <li key={o.start}>
          {formatTime(o.start)} – {formatTime(o.end)}
        </li>
      ))}
    </ul>
  );
}

function WindowTable({
  items,
  caption,
  canCancel,
}: {
  items: Window[];
  caption: string;
  canCancel: boolean;
}) {
  const client = useQueryClient();
  return (
    <div className="table-scroll">
      <table className="ops-table" aria-label={caption}>
        <thead>
          <tr>
            <th scope="col">Reason</th>
            <th scope="col">Schedule</th>
            <th scope="col">Scope</th>
            <th scope="col">Effects</th>
            <th scope="col">State</th>
            <th scope="col">Next occurrences</th>
            <th scope="col">Created</th>
            {canCancel ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((w) => {
            const schedule = scheduleInWords(w, formatTime);
            return (
              <tr key={w.id} data-testid={`maintenance-${w.id}`}>
                <td className="wrap">{w.reason}</td>
                <td className="wrap">
                  {schedule}
                  {w.kind !== 'once' ? (
                    <div>
                      <code>{w.kind === 'rrule' ? w.rrule : w.cron}</code>
                    </div>
                  ) : null}
                </td>
                <td className="wrap">{scopeInWords(w)}</td>
                <td>{effectsInWords(w)}</td>
                <td>
                  <StateBadge state={w.state} />
                  {w.cancelledAt ? (
                    <div className="muted">
                      {formatTime(w.cancelledAt)}
                      {w.cancelledBy ? ` by ${w.cancelledBy}` : ''}
                    </div>
                  ) : null}
                </td>
                <td>
                  <NextOccurrences w={w} />
                </td>
                <td>
                  {formatTime(w.createdAt)} by {w.createdBy}
                </td>
                {canCancel ? (
                  <td>
                    {w.state === 'active' || w.state === 'scheduled' ? (
                      <ConfirmDialog
                        label="Cancel window"
                        title="Cancel this maintenance window?"
                        confirmLabel="Cancel window"
                        danger
                        onConfirm={async () => {
                          await ok(
                            api.DELETE('/api/v1/maintenance-windows/{id}', {
                              params: { path: { id: w.id } },
                            }),
                          );
                          await client.invalidateQueries({ queryKey: ['maintenance-windows'] });
                        }}
                      >
                        <p>
                          “{w.reason}” ({schedule}){' '}
                          {w.state === 'active'
                            ? `ends now and no later occurrence starts: ${cancelEffects(w)}`
                            : 'will not occur from now on.'}{' '}
                          The window is kept in the list (and in reports), with who cancelled it.
                        </p>
                      </ConfirmDialog>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Maintenance windows: in force and coming ones, past ones; declare one; cancel one. */
export default function MaintenancePage() {
  const canOperate = useCan('operator');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const windows = useQuery({
    queryKey: ['maintenance-windows'],
    queryFn: () => ok(api.GET('/api/v1/maintenance-windows', { params: { query: { limit: 500 } } })),
    // States change with the clock (scheduled → active → ended), not with live events.
    refetchInterval: 15_000,
  });
  const items = windows.data?.items ?? [];
  const current = items.filter((w) => w.state === 'active' || w.state === 'scheduled');
  const past = items.filter((w) => w.state === 'ended' || w.state === 'cancelled');

  return (
    <>
      <PageHeader title="Maintenance">
        {canOperate && !creating ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New window
          </button>
        ) : null}
      </PageHeader>
      <p className="muted">
        While a window is in force, automation is frozen and notifications are silenced in its scope (as it
        says), and reports show its time apart from downtime.
      </p>
      {creating ? (
        <section className="panel" aria-labelledby="new-window-title">
          <h2 id="new-window-title">New maintenance window</h2>
          <MaintenanceWindowForm
            onClose={() => setCreating(false)}
            onCreated={(w) => {
              setCreating(false);
              setCreated(`Window “${w.reason}” created: ${w.state}.`);
            }}
          />
        </section>
      ) : null}
      {created ? (
        <p role="status" className="notice">
          {created}
        </p>
      ) : null}
      <ErrorBox error={windows.error} />
      {windows.isPending ? (
        <Loading what="Loading maintenance windows" />
      ) : windows.data ? (
        <>
          <section aria-labelledby="current-windows-title" className="ops-section">
            <h2 id="current-windows-title">In force and scheduled</h2>
            {current.length ? (
              <WindowTable items={current} caption="Windows in force and scheduled" canCancel={canOperate} />
            ) : (
              <p className="empty">No window in force or scheduled.</p>
            )}
          </section>
          {past.length ? (
            <details>
              <summary>Ended and cancelled ({past.length})</summary>
              <WindowTable items={past} caption="Ended and cancelled windows" canCancel={false} />
            </details>
          ) : null}
        </>
      ) : null}
    </>
  );
}
