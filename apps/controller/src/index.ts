export * from './controller.module';
export * from './health/health-engine';
export * from './health/health.service';
export * from './leader-lease';
export * from './automation/rule-memory';
export * from './automation/rules-runner';
