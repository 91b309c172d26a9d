import { drainedAfter, nextStep, type PlannedShift, type ShiftContext } from '@libs/domain';
import type { ActionEntity, ActionStepEntity } from '@libs/persistence';
import { tracer, type VigilSpan } from '@libs/runtime';
import type { AdapterResult, TrafficAdapter, WeightChange } from '@libs/traffic';
import type { AutomationStore } from './automation-store';
import { verify } from './read-back';

/** What a drain action does to the endpoints in drain; undefined for actions that leave them alone. */
const DRAIN_DIRECTION: Readonly<Record<string, 'drain' | 'undrain'>> = {
  'drain-endpoint': 'drain',
  'undrain-endpoint': 'undrain',
};

/** A step whose call may or may not have landed is retried (same key) at most this many times. */
const MAX_ATTEMPTS = 5;

export interface ExecutorDeps {
  store: AutomationStore;
  adapter: (service: string) => TrafficAdapter | undefined;
  /** The planner's view of the service now, to re-check receivers before each next step. */
  context: (service: string, idc: string, now: number) => Promise<ShiftContext | null>;
  /** The lease's fencing token while this controller leads (its local view), else null. */
  fencingToken: () => number | null;
  /** Whether this controller still holds the lease under the token, asked of Redis. */
  holdsLease: (token: number) => Promise<boolean>;
  /** The `traceparent` of the span the action was proposed in (tracing on, this leader): its steps' parent. */
  origin?: (actionId: string) => string | undefined;
  /** Told the span of each step (tracing on): the notices of the action's new state follow from it. */
  traced?: (traceparent: string) => void;
  log: (message: string) => void;
  /** For what an operator must fix. */
  error: (message: string) => void;
  /** Told when this executor ended an action or held it (for the metrics). */
  ended?: (action: ActionEntity, outcome: 'completed' | 'failed' | 'held') => void;
}

/**
 * Runs the actions that are `executing`, one step at a time, on the leader only. Each step is
 * recorded as `applying` before the traffic manager is called with the step's idempotency key and
 * `applied` after it confirmed: a crash between steps resumes at the next one, a crash during a
 * call retries the same key (the traffic manager applies a key once), so no step is applied twice
 * or lost. Automatic actions wait `stepInterval` between steps and re-check their receivers first;
 * manual ones (set-weights, rollback) run at once.
 *
 * Fencing: a tick runs under the fencing token it started with. Right before each traffic-manager
 * request (retries too) the lease is checked in Redis under that token, and the request carries it, so
 * a receiver can refuse an older leader's; each step and the service's weights are recorded only if no
 * newer leader has written them (SQL conditions on the token). A leader paused past its lease (GC,
 * SIGSTOP, a slow disk) sends nothing more once it resumes, and overwrites nothing.
 */
export class Executor {
  private busy = false;
  /** The token whose leadership was checked against the database (see checkToken). */
  private checked: number | null = null;

  constructor(private readonly deps: ExecutorDeps) {}

  async tick(now: number): Promise<void> {
    if (this.busy) return; // a slow traffic manager must not stack ticks
    const token = this.deps.fencingToken();
    if (token === null) return;
    this.busy = true;
    try {
      if (token !== this.checked) await this.checkToken(token);
      for (const action of await this.deps.store.executing()) {
        if (this.deps.fencingToken() !== token) return;
        await this.advance(action, now, token);
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * Once per leadership: a token older than one the database holds means the Redis counter went
   * back (Redis lost its data). Every fenced write would then be refused, so say it loudly.
   */
  private async checkToken(token: number): Promise<void> {
    const newest = await this.deps.store.newestFencingToken();
    this.checked = token;
    if (newest > token) {
      this.deps.error(
        `fencing token ${token} is older than ${newest}, recorded in the database: the lease's token counter in Redis went back (data lost?). Set it to at least ${newest}; until then steps are not recorded`,
      );
    }
  }

  private async advance(action: ActionEntity, now: number, token: number): Promise<void> {
    const { store, log } = this.deps;
    const step = await store.step(action.id, action.stepsDone);
    if (!step) return;
    const plan = action.plan as PlannedShift;
    if (step.state === 'pending' && action.stepsDone > 0) {
      const previous = await store.step(action.id, action.stepsDone - 1);
      const readyAt = (previous?.finishedAt?.getTime() ?? 0) + (plan.stepInterval ?? 0);
      if (now < readyAt) return;
      if (action.mode !== 'manual' && action.idc) {
        const ctx = await this.deps.context(action.service, action.idc, now);
        const decision = ctx
          ? nextStep(plan, action.stepsDone, ctx)
          : { kind: 'hold' as const, guardrail: 'stale' as const, reason: 'no health data' };
        if (decision.kind === 'hold') {
          await store.hold(action, decision.reason, decision.guardrail, token);
          this.deps.ended?.(action, 'held');
          log(
            `action ${action.id} (${action.service}) held before step ${action.stepsDone + 1}: ${decision.guardrail}: ${decision.reason}`,
          );
          return;
        }
      }
    }
    const adapter = this.deps.adapter(action.service);
    if (!adapter) {
      await store.stepFailed(
        action,
        step,
        { detail: 'no traffic manager for the service' },
        'no traffic manager',
        token,
      );
      return;
    }
    // Each step that reaches for the traffic manager is a span, a child of the action's own.
    const attributes = {
      'vigil.action.id': action.id,
      'vigil.action.kind': action.kind,
      'vigil.service': action.service,
      'vigil.idc': action.idc ?? undefined,
      'vigil.step': step.index + 1,
      'vigil.step.of': action.stepsTotal,
      'vigil.step.attempt': step.attempts + 1,
    };
    const parent = this.deps.origin?.(action.id) ?? null;
    await tracer().inSpan('vigil.action.step', { parent, attributes }, async (span) => {
      const outcome = await this.applyStep(action, step, adapter, token);
      span.setAttributes({ 'vigil.step.outcome': outcome });
      if (span.traceparent) this.deps.traced?.(span.traceparent);
    });
  }

  /** One step to the traffic manager, fenced, verified and recorded; says how it ended. */
  private async applyStep(
    action: ActionEntity,
    step: ActionStepEntity,
    adapter: TrafficAdapter,
    token: number,
  ): Promise<'applied' | 'fenced' | 'unverified' | 'retry' | 'failed'> {
    const { store, log, error } = this.deps;
    const fence = () => this.deps.holdsLease(token);
    const fenced = (why: string) => {
      log(
        `action ${action.id} step ${step.index + 1}: ${why}: fencing token ${token} is no longer the leader's`,
      );
      return 'fenced' as const;
    };
    if (!(await fence())) return fenced('not sent');
    if (!(await store.startStep(step, token))) return fenced('not sent (a newer leader has sent it)');
    // Drain states and weights are absolute: a step re-sends what it does not change as it is in force
    // now, so a drain and a shift of one service can run side by side without undoing each other.
    const inDrain = await store.drained(action.service);
    const direction = action.endpoint ? DRAIN_DIRECTION[action.kind] : undefined;
    const nextDrained = direction ? drainedAfter(direction, action.endpoint!, inDrain) : undefined;
    const drained = adapter.drainsEndpoints ? (nextDrained ?? inDrain) : undefined;
    const weights = nextDrained
      ? ((await store.desiredWeights(action.service)) ?? step.weights)
      : step.weights;
    const result = await applyTraced(
      adapter,
      {
        service: action.service,
        weights,
        actionId: action.id,
        step: step.index + 1, // 1-based for the traffic manager
        idempotencyKey: step.idempotencyKey,
        reason: action.reason,
        fencingToken: token,
        ...(drained === undefined ? {} : { drained }),
      },
      fence,
    );
    if (result.fenced) return fenced(result.attempts ? 'not sent again' : 'not sent');
    if (result.ok) {
      const at = new Date(result.appliedAt ?? Date.now());
      const check = await verify(adapter, { weights, drained });
      if (check.mismatch !== undefined) {
        if (!(await store.stepUnverified(action, step, result, check, token)))
          return fenced('unverified but not recorded');
        this.deps.ended?.(action, 'held');
        error(
          `action ${action.id} (${action.service}) held at step ${step.index + 1}: the traffic manager confirmed it but ${check.mismatch}`,
        );
        return 'unverified';
      }
      if (
        !(await store.stepApplied(
          action,
          step,
          { result, weights, drained: nextDrained, at, actual: check.actual },
          token,
        ))
      )
        return fenced('applied but not recorded');
      if (step.index + 1 >= action.stepsTotal) this.deps.ended?.(action, 'completed');
      log(
        `action ${action.id} (${action.service}) step ${step.index + 1}/${action.stepsTotal} applied${check.actual ? ' and read back' : ''}: ${JSON.stringify(weights)}${nextDrained ? `, in drain ${JSON.stringify(nextDrained)}` : ''}`,
      );
      return 'applied';
    }
    if (result.uncertain && step.attempts + 1 < MAX_ATTEMPTS) {
      log(
        `action ${action.id} step ${step.index + 1} not confirmed (${result.detail}); retrying with the same key`,
      );
      return 'retry';
    }
    if (!(await store.stepFailed(action, step, result, result.detail, token)))
      return fenced(`failed (${result.detail}) but not recorded`);
    this.deps.ended?.(action, 'failed');
    log(`action ${action.id} (${action.service}) failed at step ${step.index + 1}: ${result.detail}`);
    return 'failed';
  }
}

/**
 * The traffic-manager call in a span of its own (`vigil.traffic.apply`): the adapter type and how it
 * answered, never its URL, credentials or the operator-facing detail.
 */
async function applyTraced(
  adapter: TrafficAdapter,
  change: WeightChange,
  fence: () => Promise<boolean>,
): Promise<AdapterResult> {
  return tracer().inSpan(
    'vigil.traffic.apply',
    { kind: 'client', attributes: { 'vigil.traffic_manager.type': adapter.kind } },
    async (span: VigilSpan) => {
      const result = await adapter.apply(change, undefined, fence);
      span.setAttributes({
        'vigil.traffic.ok': result.ok,
        'vigil.traffic.attempts': result.attempts,
        'vigil.traffic.uncertain': result.uncertain ?? false,
        'vigil.traffic.fenced': result.fenced ?? false,
        'http.response.status_code': result.status,
      });
      if (!result.ok && !result.fenced) span.fail(new Error('not applied'));
      return result;
    },
  );
}
