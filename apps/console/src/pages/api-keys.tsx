import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ok, type Schema } from '../api';
import { useSession } from '../session';
import { formatAgo, formatTime } from '../ui/format';
import { ErrorBox, Loading, PageHeader } from '../ui/page';

type ApiKey = Schema<'ApiKeyDto'>;
type Role = ApiKey['role'];

const KEYS = ['api-keys'];
const ROLES: { role: Role; what: string }[] = [
  { role: 'viewer', what: 'reads everything' },
  { role: 'operator', what: 'also approves actions, applies configs, silences' },
  { role: 'admin', what: 'also manages API keys and reads the audit log' },
  { role: 'webhook', what: 'only posts alerts to the webhooks' },
];

/** API keys (admin): who can use Vigil, with which role; create one (shown once) or revoke one. */
export default function ApiKeysPage() {
  const keys = useQuery({ queryKey: KEYS, queryFn: () => ok(api.GET('/api/v1/api-keys')) });
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const { session } = useSession();

  return (
    <>
      <PageHeader title="API keys" />
      <CreateKey />
      <section aria-labelledby="keys-title">
        <h2 id="keys-title">Active keys</h2>
        {keys.error ? <ErrorBox error={keys.error} /> : null}
        {keys.isPending ? <Loading what="Loading the keys" /> : null}
        {keys.data && keys.data.length === 0 ? <p>No active keys.</p> : null}
        {keys.data?.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => (
                <tr key={key.id}>
                  <td>
                    {key.name}
                    {key.name === session?.name ? <span className="muted"> (this session)</span> : null}
                  </td>
                  <td>{key.role}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>
                    {formatTime(key.createdAt)} <span className="muted">by {key.createdBy}</span>
                  </td>
                  <td>{key.lastUsedAt ? formatAgo(key.lastUsedAt) : 'never'}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Revoke ${key.name}`}
                      onClick={() => setRevoking(key)}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      {revoking ? <RevokeDialog apiKey={revoking} onDone={() => setRevoking(null)} /> : null}
    </>
  );
}

function CreateKey() {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<Schema<'CreatedApiKeyDto'> | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const key = await ok(api.POST('/api/v1/api-keys', { body: { name: name.trim(), role } }));
      setCreated(key);
      setName('');
      await client.invalidateQueries({ queryKey: KEYS });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="create-key-title" className="panel create-key">
      <h2 id="create-key-title">Create a key</h2>
      <form onSubmit={(e) => void submit(e)} className="create-key-form">
        <label className="field">
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            pattern="[a-z0-9][\-a-z0-9_.]{0,62}"
            placeholder="ci-deployer"
            aria-describedby="key-name-hint"
          />
          <small id="key-name-hint" className="muted">
            Lower case letters, digits, - _ . (up to 63); shown in the audit log.
          </small>
        </label>
        <label className="field">
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r.role} value={r.role}>
                {r.role}: {r.what}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy || !name.trim()}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </form>
      <ErrorBox error={error} />
      {created ? <NewKey created={created} onDone={() => setCreated(null)} /> : null}
    </section>
  );
}

/** The new key's token, once: copy it now. */
function NewKey({ created, onDone }: { created: Schema<'CreatedApiKeyDto'>; onDone(): void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="new-key" role="status">
      <p>
        <strong>
          Key “{created.name}” created ({created.role}).
        </strong>{' '}
        Copy it now: it will not be shown again.
      </p>
      <p className="token">
        <code aria-label="New API key">{created.token}</code>
      </p>
      <button type="button" onClick={() => void copy()}>
        Copy key
      </button>{' '}
      <span aria-live="polite">
        {copied === 'yes'
          ? 'Copied.'
          : copied === 'failed'
            ? 'Could not copy: select the key and copy it.'
            : ''}
      </span>{' '}
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

function RevokeDialog({ apiKey, onDone }: { apiKey: ApiKey; onDone(): void }) {
  const client = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      await ok(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: apiKey.id } } }));
      await client.invalidateQueries({ queryKey: KEYS });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} onClose={onDone} aria-labelledby="revoke-title">
      <h2 id="revoke-title">Revoke the key “{apiKey.name}”?</h2>
      <div className="dialog-body">
        <p>
          The key ({apiKey.role}, <code>{apiKey.prefix}…</code>) stops working at once: every request with it
          is refused, and every console session signed in with it ends. This cannot be undone; create a new
          key instead.
        </p>
      </div>
      <ErrorBox error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onDone} disabled={busy}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => void revoke()} disabled={busy}>
          {busy ? 'Revoking…' : 'Revoke'}
        </button>
      </div>
    </dialog>
  );
}
