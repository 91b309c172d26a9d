import type { ReactNode } from 'react';
import { ApiError } from '../api';

/** A page's title line, with its actions on the right. */
export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children ? <div className="page-actions">{children}</div> : null}
    </header>
  );
}

/** A failed request, with the server's message (and, for a 403, that the role does not allow it). */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    error instanceof ApiError && error.status === 403 ? ' (your key’s role does not allow this)' : '';
  return (
    <div role="alert" className="error-box">
      {message}
      {hint}
    </div>
  );
}

/** What a pending query shows. */
export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" aria-live="polite">
      {what}…
    </p>
  );
}
