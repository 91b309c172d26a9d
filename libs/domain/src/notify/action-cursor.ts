import type { ActionChange } from './types';

/** How long a reported (action, state) is remembered past the cursor: the read overlap, and more. */
export const ACTION_SEEN_MS = 60_000;

/** Where the notifier is in the action changes: the latest change time reported, and what it reported. */
export interface ActionCursor {
  at: number;
  /** `<action id>:<state>` already reported, with its change time. */
  seen: ReadonlyMap<string, number>;
}

const seenKey = (c: ActionChange) => `${c.id}:${c.state}`;

/**
 * A page of action changes against the cursor: the changes not reported yet (each (action, state)
 * once), and whether to read the next page: only when this one was full (`more`) and held nothing
 * new, so that a window full of seen changes never stops the cursor. Pure.
 */
export function unseenActionChanges(
  cursor: ActionCursor,
  changes: readonly ActionChange[],
  more: boolean,
): { changes: ActionChange[]; readOn: boolean } {
  const unseen = changes.filter((c) => !cursor.seen.has(seenKey(c)));
  return { changes: unseen, readOn: unseen.length === 0 && more };
}

/**
 * The cursor once the changes `read` are recorded: past the latest of them, each marked seen, and
 * what is older than ACTION_SEEN_MS before the new cursor forgotten. Pure.
 */
export function advanceActionCursor(cursor: ActionCursor, read: readonly ActionChange[]): ActionCursor {
  const seen = new Map(cursor.seen);
  let at = cursor.at;
  for (const change of read) {
    seen.set(seenKey(change), Math.max(seen.get(seenKey(change)) ?? 0, change.at));
    at = Math.max(at, change.at);
  }
  for (const [key, t] of seen) if (t < at - ACTION_SEEN_MS) seen.delete(key);
  return { at, seen };
}
