/**
 * What the console may offer on a traffic action, and how to read its plan. Mirrors the API's rules
 * (apps/api/src/traffic/actions.service.ts): the server decides anyway and answers 409 otherwise.
 */

export type ActionState =
  | 'dry-run'
  | 'refused'
  | 'awaiting-approval'
  | 'executing'
  | 'held'
  | 'completed'
  | 'failed'
  | 'rejected'
  | 'cancelled'
  | 'rolled-back';

export type Weights = Record<string, number>;

/** The states an action can still move from by itself or by a decision: pages poll while one is listed. */
export const OPEN_ACTION_STATES: readonly ActionState[] = ['awaiting-approval', 'executing', 'held'];

/** The states a rollback starts from (with at least one step applied). */
export const ROLLBACK_FROM: readonly ActionState[] = ['completed', 'held', 'cancelled', 'failed'];

export function isOpen(state: string): boolean {
  return (OPEN_ACTION_STATES as readonly string[]).includes(state);
}

export interface Decisions {
  approve: boolean;
  reject: boolean;
  cancel: boolean;
  rollback: boolean;
}

/**
 * The decisions an action's state allows: approve and reject only while awaiting approval; cancel
 * while open (awaiting approval, executing, held); roll back from completed, held, cancelled or failed
 * once a step was applied.
 */
export function allowedDecisions(action: { state: string; stepsDone: number }): Decisions {
  const awaiting = action.state === 'awaiting-approval';
  return {
    approve: awaiting,
    reject: awaiting,
    cancel: isOpen(action.state),
    rollback: (ROLLBACK_FROM as readonly string[]).includes(action.state) && action.stepsDone > 0,
  };
}

/** One step of a plan: the weights before and after it. */
export interface PlanStep {
  index: number;
  from: Weights;
  to: Weights;
}

/** A plan as the detail page shows it. */
export interface PlanSummary {
  /** The planner refused; `guardrail` and `reason` say why. */
  refused?: { guardrail: string; reason: string };
  direction?: string;
  before: Weights;
  steps: PlanStep[];
  /** The weights after the last step. */
  target: Weights | null;
  /** Milliseconds between two steps; null when unknown. */
  stepInterval: number | null;
  receivers: string[];
  moved: number | null;
  unplaced: number | null;
  warning: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keeps the numeric entries of a weights-like object; anything else gives `{}`. */
export function asWeights(value: unknown): Weights {
  if (!isRecord(value)) return {};
  const out: Weights = {};
  for (const [idc, w] of Object.entries(value)) if (typeof w === 'number' && Number.isFinite(w)) out[idc] = w;
  return out;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The plan's steps as from → to pairs. Reads the planner's answer defensively (it is typed as a free
 * object); falls back to the action's recorded steps and `weightsBefore` when the plan lacks them.
 */
export function summarisePlan(action: {
  plan: Record<string, unknown>;
  weightsBefore: Weights;
  steps: ReadonlyArray<{ weights: Weights }>;
}): PlanSummary {
  const plan = action.plan ?? {};
  const before = isRecord(plan.before) ? asWeights(plan.before) : asWeights(action.weightsBefore);
  const planned = Array.isArray(plan.steps) ? plan.steps.map(asWeights) : [];
  const targets = planned.length ? planned : action.steps.map((s) => asWeights(s.weights));
  let from = before;
  const steps = targets.map((to, index) => {
    const step = { index, from, to };
    from = to;
    return step;
  });
  const warning =
    isRecord(plan.warning) && typeof plan.warning.reason === 'string' ? plan.warning.reason : null;
  return {
    refused:
      plan.kind === 'refused'
        ? { guardrail: String(plan.guardrail ?? 'unknown'), reason: String(plan.reason ?? '') }
        : undefined,
    direction: typeof plan.direction === 'string' ? plan.direction : undefined,
    before,
    steps,
    target: steps.length ? steps[steps.length - 1].to : null,
    stepInterval: num(plan.stepInterval),
    receivers: Array.isArray(plan.receivers) ? plan.receivers.filter((r) => typeof r === 'string') : [],
    moved: num(plan.moved),
    unplaced: num(plan.unplaced),
    warning,
  };
}

/** The weights in force after the applied steps: the last applied step's, else the weights before. */
export function appliedWeights(action: {
  weightsBefore: Weights;
  steps: ReadonlyArray<{ state: string; weights: Weights }>;
}): Weights {
  const applied = action.steps.filter((s) => s.state === 'applied');
  return applied.length ? asWeights(applied[applied.length - 1].weights) : asWeights(action.weightsBefore);
}

/** `sha 100 → 50 · bjs 0 → 50`: one IDC per entry, unchanged IDCs as `sha 50`. */
export function describeChange(from: Weights, to: Weights): string {
  const idcs = [...new Set([...Object.keys(from), ...Object.keys(to)])];
  if (!idcs.length) return '—';
  const r = (w: number | undefined) => (w === undefined ? '—' : String(Math.round(w * 10) / 10));
  return idcs
    .map((idc) => (from[idc] === to[idc] ? `${idc} ${r(to[idc])}` : `${idc} ${r(from[idc])} → ${r(to[idc])}`))
    .join(' · ');
}
