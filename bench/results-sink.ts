/**
 * Child process of the probe benchmark: takes the prober's result batches off the results queues of
 * the vantages (`results.<vantage>`, comma-separated argument), as the controller would, and measures them (lateness, errors) without costing the prober CPU.
 */
import { Worker } from 'bullmq';
import Redis from 'ioredis';
import { QUEUES, type ResultBatchJob } from '@libs/queue';

interface Window {
  from: number;
  to: number;
}

const [redisUrl, prefix, vantages] = process.argv.slice(2);
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
let window: Window = { from: Infinity, to: Infinity };
const lateness: number[] = [];
const errors: Record<string, number> = {};
let results = 0;
const byProber: Record<string, number> = {};

const workers = vantages.split(',').map(
  (vantage) =>
    new Worker<ResultBatchJob>(
      QUEUES.results(vantage),
      async (job) => {
        for (const r of job.data.results) {
          if (r.scheduledAt < window.from || r.scheduledAt >= window.to) continue;
          results++;
          byProber[job.data.prober] = (byProber[job.data.prober] ?? 0) + 1;
          lateness.push(r.startedAt - r.scheduledAt);
          if (!r.ok) errors[r.errorKind ?? 'other'] = (errors[r.errorKind ?? 'other'] ?? 0) + 1;
        }
      },
      { connection, prefix, concurrency: 4 },
    ),
);

process.on('message', (message: { op: 'window'; from: number; to: number } | { op: 'report' }) => {
  if (message.op === 'window') {
    window = { from: message.from, to: message.to };
    results = 0;
    lateness.length = 0;
    for (const k of Object.keys(errors)) delete errors[k];
    for (const k of Object.keys(byProber)) delete byProber[k];
    process.send!({ ok: true });
    return;
  }
  process.send!({ results, errors, lateness, byProber });
});
process.on('disconnect', () => {
  void Promise.all(workers.map((w) => w.close())).finally(() => process.exit(0));
});
