import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import {
  ENV,
  formatDuration,
  parseDuration,
  serviceWeights,
  type Env,
  type Rule,
  type StoredConfig,
} from '@libs/config';
import {
  endpointsToUndrain,
  failbackHold,
  normalise,
  planDrain,
  planUndrain,
  planFailback,
  planSetWeights,
  planShiftAway,
  RULE_BOOK_KEY,
  supersedes,
  overrunReason,
  ruleDisabledEvent,
  type EndpointSituation,
  type RuleOverrun,
  type ShiftContext,
  type ShiftPlan,
  type ShiftRefusal,
  type Weights,
} from '@libs/domain';
import { HEALTH_KEYS, type StatusSnapshot } from '@libs/queue';
import { insertTimelineEvents, publishTimelineEvents } from '@libs/persistence';
import { ConfigFollower, MetricsService, REDIS, redisKey, tracer, type SpanAttributes } from '@libs/runtime';
import { ActionTraces } from '../action-traces';
import { ControllerLease } from '../controller-lease';
import { HealthService } from '../health/health.service';
import { NotifierService } from '../notify/notifier.service';
import { frozenBy, MaintenanceWindows } from '../maintenance/maintenance-windows';
import { TrafficWeights } from '../traffic-weights';
import { AlertExpiry } from './alert-expiry';
import { AlertFacts } from './alert-facts';
import { AlertsStore } from './alerts-store';
import { AutomationMetrics, type ActionOutcome } from './automation-metrics';
import { AutomationStore, type NewAction } from './automation-store';
import { Executor } from './executor';
import { RuleMemory } from './rule-memory';
import { RulesRunner, type RuleFiring } from './rules-runner';
import { shiftContext } from './shift-context';
import { TrafficAdapters } from './traffic-adapters';

const MODE_STATE = { enforce: 'executing', approval: 'awaiting-approval', 'dry-run': 'dry-run' } as const;

/**
 * The rules engine and the executor, on the controller leader: after each health evaluation the
 * rules run; a rule that fires proposes a shift that the planner checks against every guardrail;
 * the result is recorded as an action (executing, awaiting approval, dry run, or refused naming
 * the guardrail), and the executor carries out executing actions step by step. Failback is
 * proposed once a drained IDC has been HEALTHY for its hold (recoveryHold, backed off after repeated
 * outages: failbackHold); the way out is never damped: a shift away from an IDC supersedes an open
 * failback of it and skips the cooldowns that failback started. Rule actions done
 * here: shift-away, set-weights, notify (once per firing, through the notifier) and drain-endpoint
 * (per endpoint; an endpoint a rule drained is put back once HEALTHY for the recovery hold).
 */
@Injectable()
export class AutomationService implements OnModuleInit {
  private readonly logger = new Logger(AutomationService.name);
  private readonly runner: RulesRunner;
  /** Rules disabled in this tick for overrunning their budget: recorded on the timeline after it. */
  private overruns: RuleOverrun[] = [];
  private readonly recordRuleEvents: (overruns: readonly RuleOverrun[]) => Promise<void>;
  private readonly executor: Executor;
  private config: StoredConfig | null = null;
  private snapshot: StatusSnapshot | null = null;
  /** The last refusal recorded per (service, idc, kind): the same refusal is recorded once, not every second. */
  private refusals = new Map<string, string>();
  /** Refusal keys proposed in this tick; the memory of the others is dropped (their condition ended). */
  private touched = new Set<string>();
  /** The rules' `for:` states and cooldowns, kept with the leader state for the next leader. */
  private readonly memory: RuleMemory;
  /** The firing alerts received by webhook, for the rules' `alerts` fact. */
  private readonly alertFacts: AlertFacts;
  /** Resolves the alerts no resolve will come for, before the rules see them. */
  private readonly alertExpiry: AlertExpiry;
  private readonly metrics: AutomationMetrics;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @InjectDataSource() db: DataSource,
    @Inject(REDIS) redis: Redis,
    private readonly store: AutomationStore,
    alerts: AlertsStore,
    private readonly health: HealthService,
    private readonly lease: ControllerLease,
    private readonly weights: TrafficWeights,
    private readonly notifier: NotifierService,
    private readonly follower: ConfigFollower,
    private readonly adapters: TrafficAdapters,
    metrics: MetricsService,
    private readonly maintenance: MaintenanceWindows,
    private readonly actionTraces: ActionTraces,
  ) {
    this.metrics = new AutomationMetrics(
      metrics.registry,
      () => lease.isLeader,
      () => store.activeFreezes(),
      () => maintenance.inForce(Date.now()),
    );
    this.alertFacts = new AlertFacts(alerts, (message) => this.logger.warn(message));
    const channel = redisKey(env, HEALTH_KEYS.events);
    this.alertExpiry = new AlertExpiry(db, alerts, (events) => publishTimelineEvents(redis, channel, events));
    this.runner = new RulesRunner({
      budgetMs: env.VIGIL_RULE_EVAL_BUDGET_MS,
      clock: () => performance.now(),
      onOverrun: (overrun) => {
        this.logger.error(overrunReason(overrun));
        this.notifier.notifyRuleDisabled(overrun);
        this.overruns.push(overrun);
      },
    });
    const bookKey = redisKey(env, RULE_BOOK_KEY);
    this.memory = new RuleMemory(this.runner, {
      load: () => redis.get(bookKey),
      save: (text, token) => lease.setIfLeader({ [bookKey]: text }, token),
    });
    this.recordRuleEvents = async (overruns) => {
      const events = overruns.map(ruleDisabledEvent);
      await insertTimelineEvents(db.manager, events);
      await publishTimelineEvents(redis, channel, events);
    };
    this.executor = new Executor({
      store: this.store,
      adapter: (service) => this.adapters.get(service),
      context: (service, idc, now) => this.context(service, idc, now),
      fencingToken: () => this.lease.fencingToken,
      holdsLease: (token) => this.lease.holds(token),
      origin: (actionId) => this.actionTraces.get(actionId),
      traced: (traceparent) => this.notifier.followFrom(traceparent),
      log: (message) => this.logger.log(message),
      error: (message) => this.logger.error(message),
      ended: (action, outcome) => this.metrics.action(action.kind, outcome),
    });
  }

  /**
   * Follows the config and runs after each evaluation. HealthService and NotifierService, which this
   * depends on, have added their listeners by now (Nest initialises dependencies first): the notifier
   * takes an evaluation's events before the rules run on it.
   */
  onModuleInit(): void {
    this.follower.onConfig((config) => this.setConfig(config));
    this.health.onEvaluated((snapshot, now) => this.tick(snapshot, now));
  }

  private setConfig(config: StoredConfig): void {
    this.config = config;
    this.runner.setConfig(config);
  }

  private async tick(snapshot: StatusSnapshot, now: number): Promise<void> {
    this.snapshot = snapshot;
    const token = this.lease.fencingToken;
    if (!this.config || token === null) return;
    await this.memory.begin(token, now);
    const desired = await this.store.allDesired();
    this.weights.set(desired);
    const weightOf = (service: string, idc: string) => {
      const s = this.config?.services.find((x) => x.name === service);
      const w = desired.get(service) ?? (s ? normalise(serviceWeights(s)) : {});
      return w[idc] ?? 0;
    };
    this.touched = new Set();
    const resolveAfter = this.config.alerts.resolveAfter;
    await this.alertExpiry
      .run(now, resolveAfter ? parseDuration(resolveAfter) : null)
      .catch((err: unknown) => this.logger.warn(`alerts not expired: ${(err as Error).message}`));
    const alerts = await this.alertFacts.current(now, token);
    const endpoints = this.health.endpointStatuses();
    const firings = this.runner.tick(snapshot, now, weightOf, alerts, endpoints);
    for (const firing of firings) {
      if (this.memory.coolingDown('actedAt', firing.key, now, parseDuration(firing.rule.cooldown))) continue;
      await this.fire(firing, now);
    }
    await this.recordOverruns();
    await this.failbacks(snapshot, now);
    await this.undrains(firings, now);
    await this.memory.end(token, now, new Set(this.config.rules.map((r) => r.name)));
    this.refusals = new Map([...this.refusals].filter(([key]) => this.touched.has(key)));
    await this.executor.tick(now);
    // The next snapshot shows the weights of the step just applied, not those of the tick before.
    this.weights.set(await this.store.allDesired());
  }

  /** Records an action, and counts it by the state it was recorded in. */
  private async record(action: NewAction): Promise<string> {
    const id = await this.store.create(action);
    this.metrics.action(action.kind, action.state as ActionOutcome);
    return id;
  }

  /** Puts the rules disabled in this tick on the timeline (the notice and the log line are out already). */
  private async recordOverruns(): Promise<void> {
    const overruns = this.overruns;
    if (overruns.length === 0) return;
    this.overruns = [];
    await this.recordRuleEvents(overruns).catch((err: unknown) =>
      this.logger.warn(`rule events not recorded: ${(err as Error).message}`),
    );
  }

  /**
   * A rule that starts firing gets a span, a child of the health decision it acts on (when this leader
   * made it): what it proposes follows from it. A rule still firing a second later gets none, so a long
   * outage is not a trace a second.
   */
  private async fire(firing: RuleFiring, now: number): Promise<void> {
    if (!firing.fresh || !tracer().enabled) return this.act(firing, now);
    const { rule, service, idc, endpoint } = firing;
    const attributes = {
      'vigil.rule': rule.name,
      'vigil.rule.mode': rule.mode,
      'vigil.rule.actions': rule.actions.map((a) => a.type),
      'vigil.service': service,
      'vigil.idc': idc,
      'vigil.endpoint': endpoint,
    };
    const parent = this.health.decisionTrace(service, idc);
    await tracer().inSpan('vigil.rule.fire', { ...(parent ? { parent } : {}), attributes }, () =>
      this.act(firing, now),
    );
  }

  private async act(firing: RuleFiring, now: number): Promise<void> {
    const { rule, service, idc, fresh } = firing;
    for (const action of rule.actions) {
      if (action.type === 'shift-away') {
        await this.propose('shift-away', rule, service, idc, now, { fresh });
      } else if (action.type === 'set-weights') {
        const target = action.weights;
        const planner = (ctx: ShiftContext) => planSetWeights(ctx, idc, target);
        await this.propose('set-weights', rule, service, idc, now, { fresh, planner });
      } else if (action.type === 'notify') {
        this.notify(firing, action.channels, now);
      } else if (firing.endpoint) {
        await this.proposeDrain('drain-endpoint', rule, service, firing.endpoint, now, {
          fresh,
          key: firing.key,
        });
      }
    }
  }

  /**
   * A rule's notify action: once when the rule starts firing (not every second while it fires), at
   * most once per cooldown, to the channels it names. A dry-run rule only logs it.
   */
  private notify(firing: RuleFiring, channels: readonly string[], now: number): void {
    const { rule, service, idc, key } = firing;
    if (!firing.fresh || this.memory.coolingDown('notifiedAt', key, now, parseDuration(rule.cooldown)))
      return;
    this.memory.record('notifiedAt', key, now);
    const state = this.idcState(service, idc);
    if (rule.mode === 'dry-run') {
      this.logger.log(
        `rule ${rule.name} (dry run): would notify ${channels.join(', ')} of ${service}/${idc} ${state}`,
      );
      return;
    }
    const reason = rule.description ?? `rule ${rule.name}: ${rule.when}`;
    this.notifier.notifyRule({ rule: rule.name, service, idc, state, reason, at: now }, channels);
  }

  private async failbacks(snapshot: StatusSnapshot, now: number): Promise<void> {
    for (const service of this.config?.services ?? []) {
      const desired = await this.store.desiredWeights(service.name);
      if (!desired) continue;
      const baseline = normalise(serviceWeights(service));
      for (const status of snapshot.services.find((s) => s.service === service.name)?.idcs ?? []) {
        if (status.state !== 'HEALTHY' || (desired[status.idc] ?? 0) >= (baseline[status.idc] ?? 0)) continue;
        const away = await this.store.lastWeightChange(service.name);
        if (away?.kind !== 'shift-away' || away.idc !== status.idc) continue; // not a drain of this IDC to undo
        const rule = this.config?.rules.find((r) => r.name === away.rule) ?? null;
        await this.propose('failback', rule, service.name, status.idc, now, {
          mode: away.mode,
          fresh: false,
        });
      }
    }
  }

  private async propose(
    kind: 'shift-away' | 'failback' | 'set-weights',
    rule: Rule | null,
    serviceName: string,
    idc: string,
    now: number,
    opts: { fresh: boolean; mode?: string; planner?: (ctx: ShiftContext) => ShiftPlan },
  ): Promise<void> {
    const mode = opts.mode ?? rule?.mode ?? 'approval';
    const key = `${serviceName}|${idc}|${kind}`;
    this.touched.add(key);
    if (!(await this.makeWay(kind, rule, serviceName, idc))) return;
    const ctx = await this.context(serviceName, idc, now);
    if (!ctx) return;
    const plan = (
      opts.planner ?? ((c) => (kind === 'shift-away' ? planShiftAway(c, idc) : planFailback(c, idc)))
    )(ctx);
    if (plan.kind === 'refused') {
      // Still firing after its action did its job: nothing left to move is no news.
      if (!opts.fresh && plan.guardrail === 'nothing-to-move') return;
      await this.refused(plan, key, kind, rule, serviceName, idc, mode, ctx.current);
      return;
    }
    this.refusals.delete(key);
    if (rule) this.memory.record('actedAt', `${rule.name}|${serviceName}|${idc}`, now);
    // Should the IDC fail again, no rule's cooldown may delay taking its traffic away once more.
    if (kind === 'failback') this.memory.forget('actedAt', serviceName, idc);
    const state = MODE_STATE[mode as keyof typeof MODE_STATE] ?? 'awaiting-approval';
    const steps = `${plan.steps.length} step(s)`;
    let reason: string;
    if (kind === 'failback') {
      const hold = failbackHold(ctx.policy, ctx.idcs.find((s) => s.idc === idc)?.outages, ctx.now);
      reason = `${idc} HEALTHY for the failback hold of ${formatDuration(hold.holdMs)} (${hold.explanation}); move ${plan.moved}% back in ${steps}`;
    } else {
      reason = `rule ${rule?.name ?? '?'}: ${idc} ${this.idcState(serviceName, idc)}; move ${plan.moved}% to ${plan.receivers.join(', ')} in ${steps}`;
    }
    // A DNS traffic manager: clients follow each step only once their resolvers' answers expire.
    const propagationMs = this.adapters.get(serviceName)?.propagationDelayMs;
    if (propagationMs)
      reason += `; each step takes full effect up to ${formatDuration(propagationMs)} after it (DNS TTL)`;
    const id = await this.record({
      service: serviceName,
      rule: rule?.name ?? null,
      kind,
      idc,
      mode,
      state,
      reason: plan.warning ? `${reason}; ${plan.warning.reason}` : reason,
      plan: propagationMs ? { ...plan, propagationMs } : plan,
      guardrails: plan.guardrailsChecked,
      weightsBefore: plan.before,
      steps: plan.steps,
      fencingToken: this.lease.fencingToken ?? 0,
    });
    this.traceAction(id, 'vigil.action.created', serviceName, idc, {
      'vigil.action.kind': kind,
      'vigil.action.mode': mode,
      'vigil.action.state': state,
      'vigil.action.steps': plan.steps.length,
      'vigil.rule': rule?.name,
    });
    this.logger.log(`action ${id}: ${kind} ${serviceName}/${idc} (${mode} -> ${state}): ${reason}`);
  }

  /**
   * One action per service at a time: true when the service has no open action, or when the only
   * open ones are failbacks of the IDC a shift away is now proposed for. Those are superseded
   * (cancelled, saying why): the IDC failed again during its failback, and a failback held on its
   * receiver must not keep the way out shut and weight on a failing IDC. The shift away then plans
   * from the weights in force. Awaiting approval too: approving it later would send traffic back to
   * the failing IDC. False when the supersede was fenced off or an operator decided meanwhile.
   */
  private async makeWay(
    kind: 'shift-away' | 'failback' | 'set-weights' | 'drain-endpoint' | 'undrain-endpoint',
    rule: Rule | null,
    service: string,
    idc: string,
  ): Promise<boolean> {
    const { proceed, superseded } = supersedes(await this.store.openActions(service), kind, idc);
    if (!proceed || superseded.length === 0) return proceed;
    const token = this.lease.fencingToken;
    if (token === null) return false;
    const reason = `superseded: ${idc} ${this.idcState(service, idc)} again during failback; rule ${rule?.name ?? '?'} shifts it away`;
    for (const action of superseded) {
      if (!(await this.store.supersede(action, reason, token))) return false;
      this.logger.warn(`action ${action.id}: failback ${service}/${idc} ${reason}`);
    }
    return true;
  }

  private async refused(
    plan: ShiftRefusal,
    key: string,
    kind: string,
    rule: Rule | null,
    service: string,
    idc: string,
    mode: string,
    current: Weights,
    endpoint?: string,
  ): Promise<void> {
    // Waiting out the recovery hold or the cooldown before a failback is the plan working, not a refusal.
    const waiting =
      plan.guardrail === 'recovery-hold' || (kind === 'failback' && plan.guardrail === 'cooldown');
    if (waiting || this.refusals.get(key) === plan.guardrail) return;
    this.refusals.set(key, plan.guardrail);
    const id = await this.record({
      service,
      rule: rule?.name ?? null,
      kind,
      idc,
      ...(endpoint ? { endpoint } : {}),
      mode,
      state: 'refused',
      reason: `${plan.guardrail}: ${plan.reason}`,
      plan,
      guardrails: [plan.guardrail],
      weightsBefore: current,
      steps: [],
      fencingToken: this.lease.fencingToken ?? 0,
    });
    this.traceAction(id, 'vigil.action.refused', service, idc, {
      'vigil.action.kind': kind,
      'vigil.action.mode': mode,
      'vigil.action.guardrail': plan.guardrail,
      'vigil.rule': rule?.name,
      'vigil.endpoint': endpoint,
    });
    const page = plan.page ? ' (page a human)' : '';
    this.logger.warn(
      `action ${id}: ${kind} ${service}/${idc}${endpoint ? ` ${endpoint}` : ''} refused by ${plan.guardrail}${page}: ${plan.reason}`,
    );
  }

  /**
   * Puts back what a rule drained: an endpoint drained by an automatic action, for which no drain
   * rule fires now, once it has been HEALTHY for the service's recoveryHold (in the mode its drain
   * had). What an operator drained stays drained until an operator undrains it.
   */
  private async undrains(firings: readonly RuleFiring[], now: number): Promise<void> {
    const firing = new Map<string, Set<string>>();
    for (const f of firings)
      if (f.endpoint) firing.set(f.service, (firing.get(f.service) ?? new Set()).add(f.endpoint));
    for (const [serviceName, drained] of await this.store.allDrained()) {
      const service = this.config?.services.find((s) => s.name === serviceName);
      if (!service) continue;
      const drains = await this.store.automaticDrains(serviceName, drained);
      const back = endpointsToUndrain(
        [...drains.keys()],
        this.endpointSituations(serviceName),
        firing.get(serviceName) ?? new Set(),
        now,
        parseDuration(service.policy.recoveryHold),
      );
      for (const endpoint of back) {
        const drain = drains.get(endpoint)!;
        const rule = this.config?.rules.find((r) => r.name === drain.rule) ?? null;
        await this.proposeDrain('undrain-endpoint', rule, serviceName, endpoint, now, {
          fresh: false,
          mode: drain.mode,
        });
      }
    }
  }

  /**
   * A drain (a rule's drain-endpoint) or an automatic undrain of one endpoint, planned against the
   * guardrails (planDrain, planUndrain) and recorded like a shift: one step that changes which
   * endpoints are out of rotation and leaves the weights as they are.
   */
  private async proposeDrain(
    kind: 'drain-endpoint' | 'undrain-endpoint',
    rule: Rule | null,
    serviceName: string,
    endpoint: string,
    now: number,
    opts: { fresh: boolean; key?: string; mode?: string },
  ): Promise<void> {
    const situations = this.endpointSituations(serviceName);
    const idc = situations.find((e) => e.name === endpoint)?.idc;
    if (!idc) return;
    const mode = opts.mode ?? rule?.mode ?? 'approval';
    const key = `${serviceName}|${idc}|${kind}|${endpoint}`;
    this.touched.add(key);
    if (!(await this.makeWay(kind, rule, serviceName, idc))) return;
    const ctx = await this.context(serviceName, idc, now);
    if (!ctx) return;
    const drained = await this.store.drained(serviceName);
    const plan =
      kind === 'drain-endpoint'
        ? planDrain(ctx, situations, drained, endpoint)
        : planUndrain(ctx, situations, drained, endpoint, { automatic: true });
    if (plan.kind === 'refused') {
      if (!opts.fresh && plan.guardrail === 'nothing-to-move') return;
      await this.refused(plan, key, kind, rule, serviceName, idc, mode, ctx.current, endpoint);
      return;
    }
    this.refusals.delete(key);
    if (rule && opts.key) this.memory.record('actedAt', opts.key, now);
    const state = situations.find((e) => e.name === endpoint)?.state ?? 'UNKNOWN';
    const reason =
      kind === 'drain-endpoint'
        ? `rule ${rule?.name ?? '?'}: endpoint ${endpoint} in ${idc} is ${state}; take it out of rotation`
        : `endpoint ${endpoint} in ${idc} HEALTHY for the recovery hold and no drain rule fires for it; put it back in rotation`;
    const id = await this.record({
      service: serviceName,
      rule: rule?.name ?? null,
      kind,
      idc,
      endpoint,
      mode,
      state: MODE_STATE[mode as keyof typeof MODE_STATE] ?? 'awaiting-approval',
      reason,
      plan,
      guardrails: plan.guardrailsChecked,
      weightsBefore: ctx.current,
      steps: [ctx.current],
      fencingToken: this.lease.fencingToken ?? 0,
    });
    this.traceAction(id, 'vigil.action.created', serviceName, idc, {
      'vigil.action.kind': kind,
      'vigil.action.mode': mode,
      'vigil.action.steps': 1,
      'vigil.rule': rule?.name,
      'vigil.endpoint': endpoint,
    });
    this.logger.log(`action ${id}: ${kind} ${serviceName}/${endpoint} (${mode}): ${reason}`);
  }

  /**
   * A span marking an action recorded: a child of the rule's span (or of the evaluation, or else of
   * the health decision of its IDC). Its steps and the notices about it follow from it.
   */
  private traceAction(
    id: string,
    name: 'vigil.action.created' | 'vigil.action.refused',
    service: string,
    idc: string,
    attributes: SpanAttributes,
  ): void {
    if (!tracer().enabled) return;
    const parent = tracer().active() ?? this.health.decisionTrace(service, idc) ?? null;
    const span = tracer().start(name, {
      parent,
      attributes: { 'vigil.action.id': id, 'vigil.service': service, 'vigil.idc': idc, ...attributes },
    });
    span.end();
    if (name === 'vigil.action.created') this.actionTraces.set(id, span.traceparent);
    this.notifier.followFrom(span.traceparent);
  }

  /** The service's endpoints as the drain planner sees them: config capacity, last evaluated state. */
  private endpointSituations(serviceName: string): EndpointSituation[] {
    const service = this.config?.services.find((s) => s.name === serviceName);
    const statuses = new Map((this.health.endpointStatuses().get(serviceName) ?? []).map((e) => [e.id, e]));
    return (service?.endpoints ?? []).map((e) => {
      const status = statuses.get(`${serviceName}.${e.name}`);
      return {
        name: e.name,
        idc: e.idc,
        capacity: e.capacity,
        state: status?.state ?? 'UNKNOWN',
        since: status?.since ?? 0,
      };
    });
  }

  private idcState(service: string, idc: string): string {
    const s = this.snapshot?.services.find((x) => x.service === service)?.idcs.find((i) => i.idc === idc);
    return s ? `${s.state} (${s.reason}, healthy ${Math.round(s.healthyRatio * 100)}%)` : 'unknown';
  }

  private async context(serviceName: string, idc: string, now: number) {
    const service = this.config?.services.find((s) => s.name === serviceName);
    if (!service || !this.snapshot) return null;
    const [stored, current, drained, windows] = await Promise.all([
      this.store.guards(serviceName, idc, now),
      this.store.desiredWeights(serviceName),
      this.store.drained(serviceName),
      this.maintenance.freezing(serviceName, idc, now),
    ]);
    // A maintenance window that freezes is a freeze, named in the refusal.
    const guards =
      windows.length && !stored.frozen ? { ...stored, frozen: true, frozenBy: frozenBy(windows[0]) } : stored;
    // Drained endpoints serve nothing: their capacity is no receiver's headroom.
    const out = new Set(drained);
    const drainedCapacity: Record<string, number> = {};
    for (const e of this.endpointSituations(serviceName))
      if (out.has(e.name) && (e.state === 'HEALTHY' || e.state === 'DEGRADED'))
        drainedCapacity[e.idc] = (drainedCapacity[e.idc] ?? 0) + e.capacity;
    return shiftContext(service, this.snapshot, current, guards, now, drainedCapacity);
  }
}
