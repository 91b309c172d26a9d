import { parseDuration, type Rule, type StoredConfig } from '@libs/config';
import {
  advanceRuleState,
  compileRule,
  evaluateRule,
  inScope,
  INACTIVE,
  ruleSubject,
  type AlertFact,
  type CompiledRule,
  type RuleOverrun,
  type RuleState,
} from '@libs/domain';
import type { StatusSnapshot } from '@libs/queue';

const NO_ALERTS: readonly AlertFact[] = [];

/** A rule firing for one (service, IDC): `fresh` on the evaluation where it started. */
export interface RuleFiring {
  rule: Rule;
  service: string;
  idc: string;
  firedAt: number;
  fresh: boolean;
}

/** The run-time bound of the rules (see rule-budget.ts in libs/domain). */
export interface RuleBudget {
  /** Milliseconds a rule's evaluations may take in one tick. */
  budgetMs: number;
  /** A monotonic clock in ms (performance.now). */
  clock: () => number;
  /** Told once when a rule is disabled. */
  onOverrun: (overrun: RuleOverrun) => void;
}

/**
 * Evaluates the config's rules each second for every (service, IDC) in their scope, with the
 * Prometheus `for:` lifecycle per pair. The conditions were compiled and type-checked at config apply,
 * so here they only run. Rules about endpoints (drain-endpoint) are not run yet. A rule whose
 * evaluations overrun the budget in a tick is stopped there and disabled until the next config.
 */
export class RulesRunner {
  private rules: Array<{ rule: Rule; compiled: CompiledRule; forMs: number }> = [];
  private states = new Map<string, RuleState>();
  private config: StoredConfig | null = null;
  /** Rules disabled for overrunning the budget, by name (when, epoch ms): until the next config. */
  private disabled = new Map<string, number>();

  constructor(private readonly budget?: RuleBudget) {}

  setConfig(config: StoredConfig): void {
    this.config = config;
    this.disabled = new Map();
    // Highest priority first: when two rules fire for the same IDC in one evaluation, the first one's
    // action holds the service and the other waits (one action per service at a time).
    const byPriority = [...config.rules].sort((a, b) => b.priority - a.priority);
    this.rules = byPriority.flatMap((rule) => {
      if (ruleSubject(rule.actions) !== 'idc') return [];
      const compiled = compileRule(rule.when, 'idc');
      return compiled.ok ? [{ rule, compiled: compiled.rule, forMs: parseDuration(rule.for) }] : [];
    });
    this.pruneStates();
  }

  /** The `for:` state of every (rule, service, IDC) not inactive, to keep with the leader state. */
  exportStates(): Record<string, RuleState> {
    return Object.fromEntries([...this.states].filter(([, state]) => state.phase !== 'inactive'));
  }

  /** The rules disabled for overrunning the budget, and when (kept in the book for the console). */
  exportDisabled(): Record<string, number> {
    return Object.fromEntries(this.disabled);
  }

  /** Goes on from the states another leader kept (exportStates); those of rules gone are dropped. */
  restoreStates(states: Readonly<Record<string, RuleState>>): void {
    this.states = new Map(Object.entries(states));
    this.pruneStates();
  }

  private pruneStates(): void {
    if (!this.config) return; // no config yet: nothing to tell the rules gone by
    const names = new Set(this.config.rules.map((r) => r.name));
    for (const key of this.states.keys()) if (!names.has(key.split('|')[0])) this.states.delete(key);
  }

  /**
   * The pairs firing now, highest priority first. `weightOf(service, idc)`: the weight in force (a fact);
   * `alerts`: the firing alerts (the same array while they do not change, see AlertFacts).
   */
  tick(
    snapshot: StatusSnapshot,
    now: number,
    weightOf: (service: string, idc: string) => number,
    alerts: readonly AlertFact[] = NO_ALERTS,
  ): RuleFiring[] {
    const config = this.config;
    if (!config) return [];
    const idcs = new Map(config.idcs.map((i) => [i.name, i]));
    const firings: RuleFiring[] = [];
    const spent = new Map<string, { ms: number; evaluations: number }>();
    for (const status of snapshot.services) {
      const service = config.services.find((s) => s.name === status.service);
      if (!service) continue;
      for (const idcStatus of status.idcs) {
        const idc = idcs.get(idcStatus.idc);
        if (!idc) continue;
        for (const { rule, compiled, forMs } of this.rules) {
          if (this.disabled.has(rule.name) || !inScope(rule.scope, service, idc)) continue;
          const key = `${rule.name}|${service.name}|${idc.name}`;
          const startedAt = this.budget?.clock();
          const { matched } = evaluateRule(compiled, {
            idc: {
              name: idc.name,
              ...(idc.region ? { region: idc.region } : {}),
              state: idcStatus.state,
              score: idcStatus.score,
              healthyRatio: idcStatus.healthyRatio,
              healthyCapacity: idcStatus.healthyCapacity,
              capacity: idcStatus.totalCapacity,
              weight: weightOf(service.name, idc.name),
              labels: idc.labels,
            },
            service: { name: service.name, labels: service.labels },
            alerts,
            now,
          });
          if (this.budget && this.overran(this.budget, rule.name, startedAt ?? 0, spent, now)) continue;
          const step = advanceRuleState(this.states.get(key) ?? INACTIVE, matched, now, forMs);
          this.states.set(key, step.state);
          // Every pair still firing is reported, not only new ones: an action refused (kill switch,
          // override, an open action) must be proposed again while the condition holds.
          if (step.state.phase !== 'firing') continue;
          firings.push({
            rule,
            service: service.name,
            idc: idc.name,
            firedAt: step.state.firedAt,
            fresh: step.firedAt !== undefined,
          });
        }
      }
    }
    return firings;
  }

  /** Adds an evaluation's time to its rule's; disables the rule (and says so) once over the budget. */
  private overran(
    budget: RuleBudget,
    rule: string,
    startedAt: number,
    spent: Map<string, { ms: number; evaluations: number }>,
    now: number,
  ): boolean {
    const total = spent.get(rule) ?? { ms: 0, evaluations: 0 };
    total.ms += budget.clock() - startedAt;
    total.evaluations += 1;
    spent.set(rule, total);
    if (total.ms <= budget.budgetMs) return false;
    this.disabled.set(rule, now);
    // Its `for:` states go too: kept, they would be exported to the next leader (or outlive the next
    // config) and could fire at once although nobody watched the condition meanwhile.
    for (const key of this.states.keys()) if (key.split('|')[0] === rule) this.states.delete(key);
    budget.onOverrun({
      rule,
      spentMs: total.ms,
      budgetMs: budget.budgetMs,
      evaluations: total.evaluations,
      at: now,
    });
    return true;
  }
}
