import type { RuleState } from './rule-state';

/**
 * What the rules engine remembers between evaluations, kept with the leader's state so that a new
 * leader goes on from it: a `for:` started by the last leader ends when it would have, and a rule in
 * its cooldown stays in it. Keys are `<rule>|<service>|<idc>`, and `<rule>|<service>|<idc>|<endpoint>` for
 * rules evaluated per endpoint (see ruleStateKey).
 */
export interface RuleBook {
  /** The `for:` state per key; inactive ones are left out. */
  states: Record<string, RuleState>;
  /** When each key last created an action (epoch ms): the rule's cooldown runs from there. */
  actedAt: Record<string, number>;
  /** When each key last sent its notify action (epoch ms): the cooldown applies to it too. */
  notifiedAt: Record<string, number>;
  /**
   * When each key last fired (epoch ms), kept after its `for:` state is gone (for the console). Added
   * after the first books: a book without it reads as empty here.
   */
  firedAt: Record<string, number>;
  /**
   * The rules the saving leader disabled for overrunning their evaluation budget, by name: when
   * (epoch ms). Until the next config; for the console only (a new leader starts with none disabled).
   */
  disabled: Record<string, number>;
}

/** What one book key is about: a (rule, service, IDC), and the endpoint for drain-endpoint rules. */
export interface RuleTarget {
  rule: string;
  service: string;
  idc: string;
  endpoint?: string;
}

/**
 * The key of a target in the book and in the runner: `<rule>|<service>|<idc>`, with `|<endpoint>` for an
 * endpoint. Names cannot contain '|' (rule, service and IDC names are DNS labels; endpoint names add
 * '.'), so the key splits back unambiguously, and the rule's name is always its first part.
 */
export function ruleStateKey(target: RuleTarget): string {
  const key = `${target.rule}|${target.service}|${target.idc}`;
  return target.endpoint === undefined ? key : `${key}|${target.endpoint}`;
}

/** The target of a key made by ruleStateKey; undefined for anything else. */
export function parseRuleStateKey(key: string): RuleTarget | undefined {
  const parts = key.split('|');
  if (parts.length < 3 || parts.length > 4 || parts.some((part) => part === '')) return undefined;
  const [rule, service, idc, endpoint] = parts;
  return endpoint === undefined ? { rule, service, idc } : { rule, service, idc, endpoint };
}

/** The book's Redis key under the prefix: written by the controller leader, read by the API. */
export const RULE_BOOK_KEY = 'rules:book';

export const EMPTY_RULE_BOOK: RuleBook = Object.freeze({
  states: Object.freeze({}),
  actedAt: Object.freeze({}),
  notifiedAt: Object.freeze({}),
  firedAt: Object.freeze({}),
  disabled: Object.freeze({}),
}) as RuleBook;

/**
 * A book saved longer ago than this has its `for:` states dropped on restore (its cooldowns are
 * kept): no leader watched the conditions meanwhile, so a condition pending then has not been seen
 * holding since. As Prometheus' `for` grace period.
 */
export const RULE_STATE_GRACE_MS = 10 * 60_000;

/** The book as saved (`savedAt`: epoch ms, the saving leader's clock). */
export function encodeRuleBook(book: RuleBook, savedAt: number): string {
  return JSON.stringify({ v: 1, savedAt, ...book });
}

/**
 * The book saved by `encodeRuleBook`, as restored at `now`: entries that are not well formed are
 * dropped (a bad book must not stop the rules), the whole book when it is not one, and the `for:`
 * states when it was saved more than `graceMs` ago (see RULE_STATE_GRACE_MS).
 */
export function decodeRuleBook(text: string | null, now: number, graceMs = RULE_STATE_GRACE_MS): RuleBook {
  return readRuleBook(text, now, graceMs).book;
}

/**
 * decodeRuleBook, with when the book was saved (null when there is none, or it is not one). A stale
 * book (saved more than `graceMs` before `now`) also loses its disabled rules: no leader runs them.
 */
export function readRuleBook(
  text: string | null,
  now: number,
  graceMs = RULE_STATE_GRACE_MS,
): { book: RuleBook; savedAt: number | null } {
  const none = { book: EMPTY_RULE_BOOK, savedAt: null };
  if (text === null) return none;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return none;
  }
  if (!isRecord(raw) || raw.v !== 1 || !isTime(raw.savedAt)) return none;
  const fresh = now - raw.savedAt <= graceMs;
  const time = (v: unknown) => (isTime(v) ? v : undefined);
  return {
    book: {
      states: fresh ? entries(raw.states, toRuleState) : {},
      actedAt: entries(raw.actedAt, time),
      notifiedAt: entries(raw.notifiedAt, time),
      firedAt: entries(raw.firedAt, time),
      disabled: fresh ? entries(raw.disabled, time) : {},
    },
    savedAt: raw.savedAt,
  };
}

function entries<T>(value: unknown, read: (v: unknown) => T | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  if (!isRecord(value)) return out;
  for (const [key, v] of Object.entries(value)) {
    const got = read(v);
    if (got !== undefined) out[key] = got;
  }
  return out;
}

function toRuleState(v: unknown): RuleState | undefined {
  if (!isRecord(v) || !isTime(v.since)) return undefined;
  if (v.phase === 'pending') return { phase: 'pending', since: v.since };
  if (!isTime(v.firedAt) || v.firedAt < v.since) return undefined;
  if (v.phase === 'firing') return { phase: 'firing', since: v.since, firedAt: v.firedAt };
  if (v.phase === 'resolved' && isTime(v.resolvedAt) && v.resolvedAt >= v.firedAt) {
    return { phase: 'resolved', since: v.since, firedAt: v.firedAt, resolvedAt: v.resolvedAt };
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
