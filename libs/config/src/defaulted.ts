/**
 * Configs known to carry this version's defaults already: what validateConfig returns, and what
 * sealSecrets derives from one. planConfig can use them as they are instead of parsing them through
 * the schema again, which at 100,000 endpoints costs seconds per parse. A WeakSet: nothing is kept
 * alive by it, and a copy (e.g. a document read back from the database) is never taken for one.
 */
const defaulted = new WeakSet<object>();

/** Marks `config` as having the current defaults applied; returns it. */
export function markDefaulted<T extends object>(config: T): T {
  defaulted.add(config);
  return config;
}

/** Whether `config` is known to have the current defaults applied. */
export function isDefaulted(config: object): boolean {
  return defaulted.has(config);
}
