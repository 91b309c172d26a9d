import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok, type Schema } from '../api';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { drainChange } from './drain';

type Action = Schema<'ActionDto'>;

interface DrainButtonProps {
  direction: 'drain' | 'undrain';
  service: string;
  /** The endpoint's name in the service (not its id). */
  endpoint: string;
  managerType: string;
  /** Called with the created action once the API accepted it. */
  onDone(action: Action): void;
}

/**
 * Drain or undrain one endpoint (operator+), behind a confirmation that asks for a reason and says what
 * will change. The API creates a manual action applied at once; a 409 (already drained, a drain still
 * executing, a traffic manager that cannot drain) stays in the dialog.
 */
export function DrainButton({ direction, service, endpoint, managerType, onDone }: DrainButtonProps) {
  const client = useQueryClient();
  const confirm = async (reason: string) => {
    const params = { params: { path: { name: service, endpoint } }, body: { reason } };
    const action = await ok(
      direction === 'drain'
        ? api.POST('/api/v1/services/{name}/endpoints/{endpoint}/drain', params)
        : api.POST('/api/v1/services/{name}/endpoints/{endpoint}/undrain', params),
    );
    onDone(action);
    await Promise.all([
      client.invalidateQueries({ queryKey: ['service', service] }),
      client.invalidateQueries({ queryKey: ['actions'] }),
    ]);
  };
  return (
    <ConfirmDialog
      label={direction === 'drain' ? `Drain ${endpoint}…` : `Undrain ${endpoint}…`}
      confirmLabel={direction === 'drain' ? 'Drain' : 'Undrain'}
      title={
        direction === 'drain' ? `Drain ${endpoint} of ${service}?` : `Undrain ${endpoint} of ${service}?`
      }
      reason="required"
      danger={direction === 'drain'}
      onConfirm={confirm}
    >
      <p>{drainChange(direction, endpoint, managerType)}</p>
      <p>
        A manual {direction}-endpoint action applies it at once; rolling that action back{' '}
        {direction === 'drain' ? 'undrains' : 'drains'} the endpoint again.
      </p>
    </ConfirmDialog>
  );
}

/** The note after a drain or undrain: links the created action. */
export function DrainDone({ action }: { action: Action | null }) {
  if (!action) return null;
  const verb = action.kind === 'undrain-endpoint' ? 'Undrain' : 'Drain';
  return (
    <p role="status" className="ok-note">
      {verb} of {action.endpoint} started: <Link to={`/actions/${action.id}`}>the {action.kind} action</Link>{' '}
      is {action.state}.
    </p>
  );
}
