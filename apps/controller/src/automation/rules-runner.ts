import { parseDuration, type Rule, type StoredConfig } from '@libs/config';
import {
  advanceRuleState,
  compileRule,
  evaluateRule,
  inScope,
  INACTIVE,
  parseRuleStateKey,
  ruleStateKey,
  ruleSubject,
  type AlertFact,
  type CompiledRule,
  type EndpointFact,
  type EndpointStatus,
  type RuleFacts,
  type RuleOverrun,
  type RuleState,
  type RuleSubject,
} from '@libs/domain';
import type { StatusSnapshot } from '@libs/queue';

const NO_ALERTS: readonly AlertFact[] = [];
const NO_ENDPOINTS: ReadonlyMap<string, readonly EndpointStatus[]> = new Map();

/**
 * A rule firing for one (service, IDC), or for one endpoint there (drain-endpoint rules): `fresh` on
 * the evaluation where it started.
 */
export interface RuleFiring {
  rule: Rule;
  service: string;
  idc: string;
  /** The endpoint's name (its config `name`), for a rule evaluated per endpoint. */
  endpoint?: string;
  /** The target's key in the rule book (ruleStateKey): its `for:` state and its cooldown clocks. */
  key: string;
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

interface RunnableRule {
  rule: Rule;
  subject: RuleSubject;
  compiled: CompiledRule;
  forMs: number;
}

/**
 * Evaluates the config's rules each second for every (service, IDC) in their scope, with the
 * Prometheus `for:` lifecycle per pair; a rule with a drain-endpoint action is evaluated for every
 * endpoint of the pair instead, with a lifecycle per endpoint. The conditions were compiled and
 * type-checked at config apply, so here they only run. A rule whose evaluations overrun the budget
 * in a tick is stopped there and disabled until the next config.
 */
export class RulesRunner {
  private rules: RunnableRule[] = [];
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
      const subject = ruleSubject(rule.actions);
      const compiled = compileRule(rule.when, subject);
      return compiled.ok ? [{ rule, subject, compiled: compiled.rule, forMs: parseDuration(rule.for) }] : [];
    });
    this.pruneStates();
  }

  /** The `for:` state of every target (ruleStateKey) not inactive, to keep with the leader state. */
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

  /**
   * Drops the states no rule of the config owns: those of a rule gone, of a rule whose subject changed
   * (an IDC key of a rule now run per endpoint, or the reverse), and of an endpoint gone.
   */
  private pruneStates(): void {
    const config = this.config;
    if (!config) return; // no config yet: nothing to tell the rules gone by
    const subjects = new Map(config.rules.map((r) => [r.name, ruleSubject(r.actions)]));
    const endpoints = new Set(
      config.services.flatMap((s) => s.endpoints.map((e) => `${s.name}|${e.idc}|${e.name}`)),
    );
    for (const key of this.states.keys()) {
      const target = parseRuleStateKey(key);
      const subject = target ? subjects.get(target.rule) : undefined;
      const owned =
        target !== undefined &&
        (target.endpoint === undefined
          ? subject === 'idc'
          : subject === 'endpoint' && endpoints.has(`${target.service}|${target.idc}|${target.endpoint}`));
      if (!owned) this.states.delete(key);
    }
  }

  /**
   * The targets firing now: per (service, IDC), highest priority first. `weightOf(service, idc)`: the
   * weight in force (a fact); `alerts`: the firing alerts (the same array while they do not change,
   * see AlertFacts); `endpoints`: the endpoints' health per service name (drain-endpoint rules run
   * only for the endpoints listed there).
   */
  tick(
    snapshot: StatusSnapshot,
    now: number,
    weightOf: (service: string, idc: string) => number,
    alerts: readonly AlertFact[] = NO_ALERTS,
    endpoints: ReadonlyMap<string, readonly EndpointStatus[]> = NO_ENDPOINTS,
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
        const facts: RuleFacts = {
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
        };
        let endpointFacts: EndpointFact[] | undefined; // built for the first endpoint rule in scope
        for (const runnable of this.rules) {
          const { rule } = runnable;
          if (this.disabled.has(rule.name) || !inScope(rule.scope, service, idc)) continue;
          const targets =
            runnable.subject === 'endpoint'
              ? (endpointFacts ??= endpointsIn(service, idc.name, endpoints.get(service.name)))
              : [undefined];
          for (const endpoint of targets) {
            if (this.disabled.has(rule.name)) break; // overran on an earlier endpoint of this tick
            const key = ruleStateKey({
              rule: rule.name,
              service: service.name,
              idc: idc.name,
              ...(endpoint ? { endpoint: endpoint.name } : {}),
            });
            const firing = this.evaluate(
              runnable,
              key,
              endpoint ? { ...facts, endpoint } : facts,
              spent,
              now,
            );
            if (!firing) continue;
            firings.push({
              rule,
              service: service.name,
              idc: idc.name,
              ...(endpoint ? { endpoint: endpoint.name } : {}),
              key,
              ...firing,
            });
          }
        }
      }
    }
    return firings;
  }

  /**
   * One evaluation of one target: its `for:` state advanced; when it is firing, since when and
   * whether it started now. Undefined when not firing, or when the rule just overran its budget.
   */
  private evaluate(
    { rule, compiled, forMs }: RunnableRule,
    key: string,
    facts: RuleFacts,
    spent: Map<string, { ms: number; evaluations: number }>,
    now: number,
  ): { firedAt: number; fresh: boolean } | undefined {
    const startedAt = this.budget?.clock();
    const { matched } = evaluateRule(compiled, facts);
    if (this.budget && this.overran(this.budget, rule.name, startedAt ?? 0, spent, now)) return undefined;
    const step = advanceRuleState(this.states.get(key) ?? INACTIVE, matched, now, forMs);
    this.states.set(key, step.state);
    // Every target still firing is reported, not only new ones: an action refused (kill switch,
    // override, an open action) must be proposed again while the condition holds.
    if (step.state.phase !== 'firing') return undefined;
    return { firedAt: step.state.firedAt, fresh: step.firedAt !== undefined };
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

/**
 * The endpoint facts of a service's endpoints in `idc`, sorted by name: those of the config that
 * have a health status (`${service}.${name}`); one without a status yet is not evaluated.
 */
function endpointsIn(
  service: StoredConfig['services'][number],
  idc: string,
  statuses: readonly EndpointStatus[] | undefined,
): EndpointFact[] {
  if (!statuses?.length) return [];
  const byId = new Map(statuses.map((s) => [s.id, s]));
  return service.endpoints
    .filter((e) => e.idc === idc)
    .flatMap((e) => {
      const status = byId.get(`${service.name}.${e.name}`);
      if (!status) return [];
      const fact: EndpointFact = {
        id: status.id,
        name: e.name,
        idc,
        state: status.state,
        score: status.score,
        labels: e.labels,
      };
      return [fact];
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
