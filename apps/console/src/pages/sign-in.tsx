import { useState, type FormEvent } from 'react';
import { useSession } from '../session';
import { ErrorBox } from '../ui/page';

/**
 * Exchanges an API key for a session (an HttpOnly cookie): the key itself is never stored in the
 * browser. Shown at any address while signed out, so a deep link opens its page after sign-in.
 */
export function SignIn() {
  const { signIn } = useSession();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(key.trim());
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>Vigil</h1>
      <p>Sign in with an API key (viewer, operator or admin).</p>
      <form onSubmit={submit}>
        <label className="field">
          API key
          <input
            type="password"
            name="apiKey"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
            autoFocus
          />
        </label>
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
