export * from './controller-lease';
export * from './controller.module';
export * from './health/health-engine';
export * from './health/health.service';
export * from './leader-lease';
export * from './traffic-weights';
export * from './automation/rule-memory';
export * from './automation/rules-runner';
