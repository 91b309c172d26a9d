export * from './controller.module';
export * from './health/health-engine';
export * from './health/health.service';
export * from './leader-lease';
