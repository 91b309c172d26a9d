import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ErrorBox } from './page';

interface ConfirmDialogProps {
  /** The button that opens the dialog. */
  label: string;
  title: string;
  /** What will change: shown before the operator confirms. */
  children: ReactNode;
  confirmLabel?: string;
  danger?: boolean;
  /** Ask for a reason (sent with the request); confirming needs one when `reasonRequired`. */
  reason?: 'optional' | 'required';
  onConfirm(reason: string): Promise<unknown>;
}

/**
 * An action behind a confirmation that shows what will change. The dialog stays open with the
 * server's message when the request fails, and closes when it succeeds.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (open) dialog.current?.showModal();
    else dialog.current?.close();
  }, [open]);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm(reason.trim());
      setOpen(false);
      setReason('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className={props.danger ? 'danger' : undefined} onClick={() => setOpen(true)}>
        {props.label}
      </button>
      <dialog ref={dialog} onClose={() => setOpen(false)} aria-labelledby={titleId}>
        <h2 id={titleId}>{props.title}</h2>
        <div className="dialog-body">{props.children}</div>
        {props.reason ? (
          <label className="field">
            Reason{props.reason === 'required' ? '' : ' (optional)'}
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              required={props.reason === 'required'}
            />
          </label>
        ) : null}
        <ErrorBox error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={() => setOpen(false)} disabled={busy}>
            Close
          </button>
          <button
            type="button"
            className={props.danger ? 'danger' : 'primary'}
            onClick={confirm}
            disabled={busy || (props.reason === 'required' && !reason.trim())}
          >
            {busy ? 'Working…' : (props.confirmLabel ?? props.label)}
          </button>
        </div>
      </dialog>
    </>
  );
}
