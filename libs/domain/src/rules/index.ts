/** Rules: CEL conditions over facts, their `for:` lifecycle and their scope. Pure, time is a parameter. */
export * from './facts';
export * from './compile';
export * from './cost';
export * from './rule-state';
export * from './scope';
export * from './rule-budget';
export * from './rule-book';
export * from './rule-live-state';
