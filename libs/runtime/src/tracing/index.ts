export * from './trace-context';
export * from './tracer';
export * from './tracing-settings';
export * from './trace-memory';
