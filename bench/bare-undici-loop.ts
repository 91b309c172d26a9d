import { Client } from 'undici';
import { dueTimes, phaseOf } from '@libs/domain';

export interface BareLoopResult {
  probes: number;
  errors: number;
  lateness: number[];
}

/** Passed to destroy(): without it undici builds a new error, stack and all, for every closed client. */
const DONE = new Error('probe done');

const sleepUntil = (t: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, t - Date.now())));

/**
 * The baseline: the same probes at the same times (same phases), each on a new connection, with
 * nothing around them: no queue, no result batches, no metrics. It sets its timers one second
 * ahead, as the prober does, so both pay the same for timers. What Vigil adds is measured against it.
 */
export async function bareUndiciLoop(
  targets: ReadonlyArray<{ id: string; url: string }>,
  intervalMs: number,
  from: number,
  to: number,
  timeoutMs: number,
): Promise<BareLoopResult> {
  const out: BareLoopResult = { probes: 0, errors: 0, lateness: [] };
  const planned = targets.map((t) => ({ url: new URL(t.url), phase: phaseOf(t.id, intervalMs) }));
  const runs: Promise<void>[] = [];
  const probe = async (url: URL, due: number) => {
    await sleepUntil(due);
    out.lateness.push(Date.now() - due);
    const client = new Client(url.origin, {
      connectTimeout: timeoutMs,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    try {
      const res = await client.request({
        method: 'GET',
        path: url.pathname,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body.dump();
      if (res.statusCode >= 300) out.errors++;
    } catch {
      out.errors++;
    } finally {
      out.probes++;
      await client.destroy(DONE);
    }
  };
  for (let tick = from; tick < to; tick += 1000) {
    await sleepUntil(tick - 200);
    for (const p of planned)
      for (const due of dueTimes(p.phase, intervalMs, tick, tick + 1000)) runs.push(probe(p.url, due));
  }
  await Promise.all(runs);
  return out;
}
