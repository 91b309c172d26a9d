import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { ENV, type Env } from '@libs/config';
import {
  HEALTH_KEYS,
  type EndpointHealthDetail,
  type EndpointStatus,
  type ServiceStatus,
  type StatusSnapshot,
} from '@libs/queue';
import { REDIS, redisKey } from '@libs/runtime';
import { TtlCache } from './snapshot-cache';

/** How long a parsed snapshot is served from memory: one Redis GET per this, whatever the load. */
export const SNAPSHOT_CACHE_MS = 500;
/** A snapshot older than this is marked `stale`: the leader rewrites it every second. */
export const STALE_AFTER_MS = 10_000;

/** The snapshot as served before the leader wrote one: dashboards get the usual shape, empty. */
export type Snapshot = Omit<StatusSnapshot, 'generatedAt' | 'configVersion'> & {
  generatedAt: number | null;
  configVersion: number | null;
};

const EMPTY: Snapshot = {
  generatedAt: null,
  configVersion: null,
  vantages: { live: [], suspect: [] },
  services: [],
};

/** A ready-to-send /status answer: JSON bytes, their gzip and an ETag. */
export interface StatusBody {
  json: Buffer;
  gzip: Buffer;
  etag: string;
}

const gzipAsync = promisify(gzip);

/**
 * The cached snapshot. Its /status answer is serialised, hashed and compressed once per cache period
 * and `stale` value (not once per request): at 10,000 endpoints the JSON can weigh hundreds of KB.
 */
export class CachedSnapshot {
  private readonly bodies = new Map<boolean, Promise<StatusBody>>();

  constructor(readonly snapshot: Snapshot) {}

  body(stale: boolean): Promise<StatusBody> {
    let body = this.bodies.get(stale);
    if (!body) {
      const json = Buffer.from(JSON.stringify({ ...this.snapshot, stale }));
      const etag = `W/"${createHash('sha1').update(json).digest('base64url')}"`;
      body = gzipAsync(json, { level: 6 }).then((zipped) => ({ json, gzip: zipped, etag }));
      this.bodies.set(stale, body);
    }
    return body;
  }
}

export const isStale = (generatedAt: number | null, now = Date.now()) =>
  generatedAt !== null && now - generatedAt > STALE_AFTER_MS;

/** Reads what the controller leader publishes in Redis (see libs/queue/src/health-snapshot.ts). */
@Injectable()
export class HealthReadService {
  private readonly logger = new Logger(HealthReadService.name);
  private readonly cache = new TtlCache(() => this.readSnapshot(), SNAPSHOT_CACHE_MS);

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** The StatusSnapshot, at most SNAPSHOT_CACHE_MS old; concurrent callers share one Redis read. */
  snapshot(): Promise<CachedSnapshot> {
    return this.cache.get();
  }

  /** The service's entry of the snapshot (counts zero, no IDCs, when the leader has not seen it yet). */
  async serviceStatus(name: string): Promise<{ status: ServiceStatus; generatedAt: number | null }> {
    const { snapshot } = await this.snapshot();
    const status = snapshot.services.find((s) => s.service === name) ?? {
      service: name,
      idcs: [],
      endpoints: { UNKNOWN: 0, HEALTHY: 0, DEGRADED: 0, UNHEALTHY: 0 },
    };
    return { status, generatedAt: snapshot.generatedAt };
  }

  async serviceEndpoints(name: string): Promise<EndpointStatus[]> {
    const raw = await this.redis.hget(redisKey(this.env, HEALTH_KEYS.serviceEndpoints), name);
    return raw ? this.parse<EndpointStatus[]>(raw, `${HEALTH_KEYS.serviceEndpoints}[${name}]`) : [];
  }

  async endpointDetail(id: string): Promise<EndpointHealthDetail | null> {
    const raw = await this.redis.hget(redisKey(this.env, HEALTH_KEYS.endpoints), id);
    return raw ? this.parse<EndpointHealthDetail>(raw, `${HEALTH_KEYS.endpoints}[${id}]`) : null;
  }

  private async readSnapshot(): Promise<CachedSnapshot> {
    const raw = await this.redis.get(redisKey(this.env, HEALTH_KEYS.status));
    return new CachedSnapshot(raw ? this.parse<Snapshot>(raw, HEALTH_KEYS.status) : EMPTY);
  }

  private parse<T>(raw: string, what: string): T {
    try {
      return JSON.parse(raw) as T;
    } catch (err) {
      this.logger.error(`${what} in Redis is not valid JSON: ${(err as Error).message}`);
      throw new ServiceUnavailableException(`the health data in Redis (${what}) is not valid JSON`);
    }
  }
}
