import type { StoredConfig } from '@libs/config';

/** The current config version as a source holds it: its number and its document, not yet read. */
export interface ConfigHead {
  version: number;
  document: unknown;
}

/**
 * Where ConfigFollower reads the applied config: Postgres (`config_versions`, ConfigHeadStore) in
 * every process that has a database, Redis (the copy the API publishes, PublishedConfigStore) on a
 * remote prober.
 */
export interface ConfigSource {
  /** The current version number, cheaply (0 before the first apply). */
  newestVersion(): Promise<number>;
  /** The current version with its document, or null before the first apply. */
  head(): Promise<ConfigHead | null>;
  /** A head's document as a config (defaults of newer fields added); `onError` hears of a mismatch. */
  read(document: unknown, onError: (message: string) => void): StoredConfig;
}

/** Injection token of the process's {@link ConfigSource}. */
export const CONFIG_SOURCE = Symbol('CONFIG_SOURCE');
