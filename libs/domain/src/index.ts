export * from './roles';
export * from './schedule';
