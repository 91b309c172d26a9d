/**
 * Child process of `bench:probes -- --probers N`: one prober replica (its own process, as deployed).
 * Messages: `start` (config, prober id, vantage) -> `ready` once its loop runs; `cpu` -> its CPU
 * usage; `stop` -> `stopped` once it stopped.
 */
import 'reflect-metadata';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { ProberEngine } from '@apps/prober';
import type { StoredConfig } from '@libs/config';
import { compileProbe } from '@libs/probes';

type Message =
  | { op: 'start'; config: StoredConfig; proberId: string; vantages: string[]; concurrency: number }
  | { op: 'cpu' }
  | { op: 'stop' };

const [redisUrl, prefix] = process.argv.slice(2);
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
let engine: ProberEngine | undefined;

async function handle(message: Message): Promise<unknown> {
  switch (message.op) {
    case 'start':
      engine = new ProberEngine({
        proberId: message.proberId,
        serve: message.vantages,
        connection,
        prefix,
        registry: new Registry(),
        concurrency: message.concurrency,
        compile: (check, endpoint) => compileProbe(check, endpoint, { secret: () => '' }),
      });
      await engine.setConfig(message.config, 1);
      await engine.start();
      return { ready: true };
    case 'cpu':
      return process.cpuUsage();
    case 'stop':
      await engine?.stop();
      await connection.quit();
      return { stopped: true };
  }
}

process.on('message', (message: Message) => {
  handle(message).then(
    (reply) => process.send!(reply),
    (err: unknown) => process.send!({ error: String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
