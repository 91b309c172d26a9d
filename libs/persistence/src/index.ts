export * from './entities';
export * from './database';
export * from './data-source-options';
export * from './persistence.module';
export * from './health-events';
export * from './actions';
export * from './maintenance-windows';
