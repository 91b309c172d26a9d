/** The health model: pure decisions from probe results to endpoint and (service, IDC) health. */
export * from './types';
export * from './views';
export * from './check-track';
export * from './endpoint-verdict';
export * from './suspect-vantages';
export * from './flapping';
export * from './damped-state';
export * from './success-ratio';
export * from './healthy-share';
export * from './outages';
export * from './score';
export * from './idc-health';
export * from './transitions';
export * from './result-streak';
export * from './endpoint-up';
