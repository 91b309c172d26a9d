import type { Dispatched } from './dispatch';
import type { IncidentBook, Notice } from './types';

/** The unique key of one message in `notifications`: `<notice id>:<channel>`. */
export const dedupKey = (d: { notice: Notice; channel: string }): string => `${d.notice.id}:${d.channel}`;

/** Stored states of a trigger or reminder that did not go out: its channel was not reached. */
const NOT_SENT: ReadonlySet<string> = new Set(['silenced', 'suppressed']);

/**
 * Where the resolves will go, from what was recorded rather than from this tick's decisions: a
 * replayed tick (a new leader before the book was saved) may decide otherwise than the first
 * recording (a silence made meanwhile, fresh rate-limit budgets), but the recorded row is what was
 * or will be sent. `stored` holds the state in `notifications` per dedup key (a missing key counts
 * as decided). Returns the book with the channels each recorded trigger or reminder reached added
 * to its incident's `reached` (health incidents by `id`, action incidents), and the resolves of this
 * tick still owed to a channel a trigger of this tick reached but its decision did not send to
 * (to be recorded pending). Pure.
 */
export function settleReached(
  book: IncidentBook,
  dispatched: readonly Dispatched[],
  stored: ReadonlyMap<string, string>,
): { book: IncidentBook; resolves: Dispatched[] } {
  const reached = new Map<string, string[]>(); // incident id -> channels reached this tick
  for (const d of dispatched) {
    if (!d.notice.resolvable || d.notice.phase === 'resolve') continue;
    if (NOT_SENT.has(stored.get(dedupKey(d)) ?? d.outcome.state)) continue;
    const channels = reached.get(d.notice.incidentKey) ?? [];
    if (!channels.includes(d.channel)) reached.set(d.notice.incidentKey, [...channels, d.channel]);
  }
  const resolves: Dispatched[] = [];
  const sentTo = new Set(dispatched.map(dedupKey));
  const done = new Set<string>();
  for (const { notice } of dispatched) {
    // Routed resolves (an incident of an older book) have no `reached`: nothing to owe.
    if (notice.phase !== 'resolve' || !notice.reached || done.has(notice.id)) continue;
    done.add(notice.id);
    const missing = (reached.get(notice.incidentKey) ?? []).filter(
      (channel) => !sentTo.has(dedupKey({ notice, channel })),
    );
    const owed = { ...notice, reached: [...new Set([...notice.reached, ...missing])] };
    for (const channel of missing) resolves.push({ notice: owed, channel, outcome: { state: 'pending' } });
  }
  return { book: withReached(book, reached), resolves };
}

/** `book` with `channels` added to the `reached` of the incidents (health or action) they name by id. */
function withReached(book: IncidentBook, channels: ReadonlyMap<string, string[]>): IncidentBook {
  if (channels.size === 0) return book;
  const add = <T extends { id: string; reached?: string[] }>(incident: T): T => {
    const more = channels.get(incident.id);
    return more ? { ...incident, reached: [...new Set([...(incident.reached ?? []), ...more])] } : incident;
  };
  const map = <T extends { id: string; reached?: string[] }>(record: Record<string, T>) =>
    Object.fromEntries(Object.entries(record).map(([key, incident]) => [key, add(incident)]));
  return { ...book, incidents: map(book.incidents), ...(book.actions ? { actions: map(book.actions) } : {}) };
}
