export * from './connection';
export * from './jobs';
export * from './queues';
export * from './health-snapshot';
export * from './notification-job';
