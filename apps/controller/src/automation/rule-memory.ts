import { decodeRuleBook, encodeRuleBook, RULE_STATE_GRACE_MS, type RuleBook } from '@libs/domain';
import type { RulesRunner } from './rules-runner';

/** Where the rule book is kept: read by a new leader, written only under its fencing token. */
export interface RuleBookStore {
  load(): Promise<string | null>;
  /** False, and nothing written, when this controller no longer leads under `token`. */
  save(text: string, token: number): Promise<boolean>;
}

type Clock = 'actedAt' | 'notifiedAt' | 'firedAt';

/**
 * The rules' timing kept with the leader state (Redis, like the notifier's incident book): the
 * runner's `for:` states and each rule's cooldown clocks. A new leadership (a new fencing token)
 * starts from what the last leader saved, so a `for:` fires when it would have and a cooldown is not
 * restarted, however often the leadership moves. Saved after each evaluation when it changed (and at
 * least every quarter of the grace period, so that its age tells how long no leader watched).
 */
export class RuleMemory {
  private token: number | null = null;
  private clocks: Record<Clock, Map<string, number>> = {
    actedAt: new Map(),
    notifiedAt: new Map(),
    firedAt: new Map(),
  };
  private saved = { content: '', at: 0 };

  constructor(
    private readonly runner: RulesRunner,
    private readonly store: RuleBookStore,
    private readonly graceMs = RULE_STATE_GRACE_MS,
  ) {}

  /** Before the rules run under `token`: a new leadership restores the last leader's book first. */
  async begin(token: number, now: number): Promise<void> {
    if (token === this.token) return;
    const book = decodeRuleBook(await this.store.load(), now, this.graceMs);
    this.runner.restoreStates(book.states);
    this.clocks = {
      actedAt: new Map(Object.entries(book.actedAt)),
      notifiedAt: new Map(Object.entries(book.notifiedAt)),
      firedAt: new Map(Object.entries(book.firedAt)),
    };
    this.saved = { content: '', at: 0 };
    this.token = token;
  }

  /** Whether `key` (`<rule>|<service>|<idc>`) did `what` less than `cooldownMs` before `now`. */
  coolingDown(what: Clock, key: string, now: number, cooldownMs: number): boolean {
    const last = this.clocks[what].get(key);
    return last !== undefined && now - last < cooldownMs;
  }

  record(what: Clock, key: string, now: number): void {
    this.clocks[what].set(key, now);
  }

  /** Drops every rule's `what` clock of (service, idc), so that no rule's cooldown holds it back. */
  forget(what: Clock, service: string, idc: string): void {
    // Names have no '|' (lowercase letters, digits and '-'): the suffix is unambiguous.
    const suffix = `|${service}|${idc}`;
    for (const key of this.clocks[what].keys()) if (key.endsWith(suffix)) this.clocks[what].delete(key);
  }

  /**
   * After the rules ran: saves the book under `token` when it changed. When the save is refused (the
   * lease went elsewhere), the next leadership of this controller restores again.
   */
  async end(token: number, now: number, rules: ReadonlySet<string>): Promise<void> {
    const states = this.runner.exportStates();
    // When each key last fired outlives its `for:` state (which goes once the condition holds again).
    for (const [key, state] of Object.entries(states)) {
      if (state.phase === 'inactive' || state.phase === 'pending') continue;
      if (state.firedAt > (this.clocks.firedAt.get(key) ?? -1)) this.clocks.firedAt.set(key, state.firedAt);
    }
    const book: RuleBook = {
      states,
      actedAt: this.kept('actedAt', rules),
      notifiedAt: this.kept('notifiedAt', rules),
      firedAt: this.kept('firedAt', rules),
      disabled: this.runner.exportDisabled(),
    };
    const content = JSON.stringify(book);
    if (content === this.saved.content && now - this.saved.at < this.graceMs / 4) return;
    if (await this.store.save(encodeRuleBook(book, now), token)) this.saved = { content, at: now };
    else this.token = null;
  }

  /** The clock's entries of rules still configured. */
  private kept(what: Clock, rules: ReadonlySet<string>): Record<string, number> {
    const map = this.clocks[what];
    for (const key of map.keys()) if (!rules.has(key.split('|')[0])) map.delete(key);
    return Object.fromEntries(map);
  }
}
