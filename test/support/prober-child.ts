/**
 * A prober replica in its own process, for the tests that kill one with SIGKILL. argv: redis url,
 * BullMQ prefix, vantage, JSON config and, optionally, its prober id. It says "ready" once its loop runs.
 */
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { ProberEngine } from '@apps/prober';
import type { StoredConfig } from '@libs/config';
import { compileProbe } from '@libs/probes';

const [redisUrl, prefix, vantage, config, proberId] = process.argv.slice(2);
const engine = new ProberEngine({
  proberId: proberId ?? `child-${process.pid}`,
  serve: [vantage],
  connection: new Redis(redisUrl, { maxRetriesPerRequest: null }),
  prefix,
  registry: new Registry(),
  concurrency: 100,
  compile: (check, endpoint) => compileProbe(check, endpoint, { secret: () => '' }),
});
void engine
  .setConfig(JSON.parse(config) as StoredConfig, 1)
  .then(() => engine.start())
  .then(() => process.send!('ready'));
