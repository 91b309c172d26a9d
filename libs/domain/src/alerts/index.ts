/** Alerts received by webhook (Alertmanager, Grafana, generic): parsing, targets, timeline events. Pure. */
export * from './types';
export * from './time';
export * from './fingerprint';
export * from './senders';
export * from './generic';
export * from './target';
export * from './events';
export * from './merge';
