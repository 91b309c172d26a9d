export * from './types';
export * from './severity';
export * from './incidents';
export * from './incident-notices';
export * from './action-notices';
export * from './routing';
export * from './silences';
export * from './rate-limit';
