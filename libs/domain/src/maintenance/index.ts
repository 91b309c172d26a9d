export * from './types';
export * from './zoned-time';
export * from './recurrence';
export * from './occurrences';
export * from './scope';
export * from './calendar';
export * from './validate';
export * from './report';
