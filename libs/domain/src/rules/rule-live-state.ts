import { parseRuleStateKey, type RuleBook, type RuleTarget } from './rule-book';
import type { RuleState } from './rule-state';

/**
 * What a rule is doing now for one target, as the console shows it. Precedence, first that holds:
 * disabled (for its evaluation budget) > firing > pending (its `for:` running) > cooldown (it acted or
 * notified less than `cooldown` ago) > inactive.
 */
export const RULE_LIVE_STATES = ['inactive', 'pending', 'firing', 'cooldown', 'disabled'] as const;
export type RuleLiveState = (typeof RULE_LIVE_STATES)[number];

/** What the book holds about one key (`<rule>|<service>|<idc>`, or with `|<endpoint>`). */
export interface RuleBookEntry {
  state?: RuleState;
  actedAt?: number;
  notifiedAt?: number;
  firedAt?: number;
}

/** A target's live state; times in epoch ms, null when there is none. */
export interface RuleTargetState {
  state: RuleLiveState;
  /** When the condition started holding, while pending or firing. */
  pendingSince: number | null;
  /** The last time the rule fired for the target (the book's or the `for:` state's, the later). */
  lastFiredAt: number | null;
  /** When the cooldown ends, while it runs (the later of actedAt and notifiedAt + cooldown). */
  cooldownUntil: number | null;
  /** cooldownUntil - now, 0 when not cooling down. */
  cooldownLeftMs: number;
}

/** The live state of one target from its book entry, at `now`. Pure. */
export function ruleTargetState(
  entry: RuleBookEntry,
  rule: { cooldownMs: number; disabled: boolean },
  now: number,
): RuleTargetState {
  const { state } = entry;
  const firing = state?.phase === 'firing';
  const pending = state?.phase === 'pending';
  const lastActed = Math.max(entry.actedAt ?? -1, entry.notifiedAt ?? -1);
  const until = lastActed >= 0 ? lastActed + Math.max(0, rule.cooldownMs) : null;
  const cooling = until !== null && until > now;
  const stateFired = state && 'firedAt' in state ? state.firedAt : undefined;
  const fired = Math.max(entry.firedAt ?? -1, stateFired ?? -1);
  return {
    state: rule.disabled
      ? 'disabled'
      : firing
        ? 'firing'
        : pending
          ? 'pending'
          : cooling
            ? 'cooldown'
            : 'inactive',
    pendingSince: !rule.disabled && (firing || pending) ? state.since : null,
    lastFiredAt: fired >= 0 ? fired : null,
    cooldownUntil: cooling ? until : null,
    cooldownLeftMs: cooling ? until - now : 0,
  };
}

/** One rule of the config, as far as its live state goes. */
export interface RuleLiveInput {
  name: string;
  cooldownMs: number;
}

export interface RuleTargetLive extends RuleTargetState {
  service: string;
  idc: string;
  /** The endpoint's name, for a rule evaluated per endpoint (drain-endpoint). */
  endpoint?: string;
}

export interface RuleLive {
  name: string;
  /** The most active of its targets' states (disabled when disabled, inactive with no target). */
  state: RuleLiveState;
  /** When the saving leader disabled it (epoch ms), or null. */
  disabledAt: number | null;
  /** Every (service, IDC) or endpoint the book remembers for the rule, by service, IDC, then endpoint. */
  targets: RuleTargetLive[];
}

const RANK: Record<RuleLiveState, number> = { inactive: 0, cooldown: 1, pending: 2, firing: 3, disabled: 4 };

/**
 * The live state of every rule in `rules` from the book (keys made by ruleStateKey), at `now`. Keys
 * of rules not in `rules` (removed from the config) and keys not of that form are ignored.
 */
export function ruleLiveStates(book: RuleBook, rules: readonly RuleLiveInput[], now: number): RuleLive[] {
  const entries = new Map<string, RuleBookEntry>();
  const at = (key: string) => entries.get(key) ?? entries.set(key, {}).get(key)!;
  for (const [key, state] of Object.entries(book.states)) at(key).state = state;
  for (const [key, t] of Object.entries(book.actedAt)) at(key).actedAt = t;
  for (const [key, t] of Object.entries(book.notifiedAt)) at(key).notifiedAt = t;
  for (const [key, t] of Object.entries(book.firedAt)) at(key).firedAt = t;
  const byRule = new Map<string, Array<Omit<RuleTarget, 'rule'> & { entry: RuleBookEntry }>>();
  for (const [key, entry] of entries) {
    const target = parseRuleStateKey(key);
    if (!target) continue;
    const { rule, ...where } = target;
    byRule.set(rule, [...(byRule.get(rule) ?? []), { ...where, entry }]);
  }
  return rules.map((rule) => {
    const disabledAt = book.disabled[rule.name] ?? null;
    const targets = (byRule.get(rule.name) ?? [])
      .map(({ entry, ...where }) => ({
        ...where,
        ...ruleTargetState(entry, { cooldownMs: rule.cooldownMs, disabled: disabledAt !== null }, now),
      }))
      .sort(
        (a, b) =>
          a.service.localeCompare(b.service) ||
          a.idc.localeCompare(b.idc) ||
          (a.endpoint ?? '').localeCompare(b.endpoint ?? ''),
      );
    const state = targets.reduce<RuleLiveState>(
      (top, t) => (RANK[t.state] > RANK[top] ? t.state : top),
      disabledAt !== null ? 'disabled' : 'inactive',
    );
    return { name: rule.name, state, disabledAt, targets };
  });
}
