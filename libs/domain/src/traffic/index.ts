/** Traffic as the timeline records it: a traffic manager drifting from what Vigil applied. */
export * from './drift-event';
