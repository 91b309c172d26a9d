export * from './api.module';
export * from './features';
