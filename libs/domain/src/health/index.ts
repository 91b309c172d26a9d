/** The health model: pure decisions from probe results to endpoint and (service, IDC) health. */
export * from './types';
export * from './check-track';
export * from './endpoint-verdict';
export * from './suspect-vantages';
export * from './flapping';
export * from './score';
export * from './idc-health';
export * from './transitions';
