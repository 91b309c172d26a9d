export * from './roles';
export * from './schedule';
export * from './health';
