import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import {
  ENV,
  proberView,
  readProberView,
  type Env,
  type Reseal,
  type StoredConfig,
  type VigilConfig,
} from '@libs/config';
import type { ConfigHead, ConfigSource } from './config-source';
import { REDIS, redisKey } from './redis.provider';

/**
 * The hash (under the prefix) holding the config as remote probers see it: `version` and `document`
 * (JSON of proberView: no secret but secretRefs). Written by the API, read by remote probers.
 */
export const PUBLISHED_CONFIG_KEY = 'config:current';

/** Writes version and document together, and only over an older version: two API replicas never step back. */
const PUBLISH_IF_NEWER = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'document', ARGV[2])
return 1`;

/** The published version number, 0 when nothing is published. */
export async function publishedVersion(redis: Redis, env: Env): Promise<number> {
  return Number((await redis.hget(redisKey(env, PUBLISHED_CONFIG_KEY), 'version')) ?? 0);
}

/**
 * Publishes the prober view of `config` as `version` unless a newer one is published; true if written.
 * Secrets other than secretRefs reach Redis only sealed for the vantages that use them (`reseal`,
 * see proberView), never in a form the master key opens.
 */
export async function publishConfig(
  redis: Redis,
  env: Env,
  version: number,
  config: VigilConfig,
  reseal?: Reseal,
): Promise<boolean> {
  const document = JSON.stringify(proberView(config, reseal));
  const written = await redis.eval(
    PUBLISH_IF_NEWER,
    1,
    redisKey(env, PUBLISHED_CONFIG_KEY),
    String(version),
    document,
  );
  return written === 1;
}

/** The config source of a remote prober: the copy the API publishes to Redis. */
@Injectable()
export class PublishedConfigStore implements ConfigSource {
  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  newestVersion(): Promise<number> {
    return publishedVersion(this.redis, this.env);
  }

  async head(): Promise<ConfigHead | null> {
    const [version, document] = await this.redis.hmget(
      redisKey(this.env, PUBLISHED_CONFIG_KEY),
      'version',
      'document',
    );
    if (!version || !document) return null;
    return { version: Number(version), document: JSON.parse(document) as unknown };
  }

  read(document: unknown, onError: (message: string) => void): StoredConfig {
    return readProberView(document, onError);
  }
}
