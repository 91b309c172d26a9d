/** The shift planner: pure, guarded decisions about traffic weights between IDCs. */
export * from './types';
export { normalise } from './normalise';
export { rollbackWeights } from './rollback';
export { serviceLoad, headroomPercent } from './capacity';
export { healthyCapacityRatio } from './fail-static';
export { gradualSteps } from './steps';
export { planShiftAway } from './plan-shift-away';
export { planFailback } from './plan-failback';
export { failbackHold, type FailbackHold } from './failback-hold';
export { supersedes, type OpenAction } from './supersede';
export { nextStep } from './next-step';
export { planSetWeights } from './plan-set-weights';
export {
  planDrain,
  planUndrain,
  endpointsToUndrain,
  type DrainPlan,
  type EndpointSituation,
} from './plan-drain';
export { drainedAfter } from './drained-after';
