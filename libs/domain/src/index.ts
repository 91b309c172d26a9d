export * from './leadership';
export * from './roles';
export * from './schedule';
export * from './health';
export * from './rules';
export * from './shift';
export * from './notify';
export * from './alerts';
