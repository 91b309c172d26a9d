/**
 * `npm run bench:alert-facts -- --alerts 2000 --kib 9 --duration 30`
 *
 * Starts Vigil (compiled; roles api and controller, so it is the controller leader) in its own
 * process with a fresh database and Redis prefix, applies a config with one rule over `alerts`,
 * measures the process' CPU while idle, then posts `alerts` firing alerts of about `kib` KiB each
 * through the generic webhook and measures again, each over `duration` seconds. Also gives the rows
 * Postgres read from `alerts` per second meanwhile, in all and by sequential scan and by index
 * (pg_stat_user_tables and pg_stat_user_indexes; the statistics lag by a second or so). Prints JSON.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Client } from 'pg';
import { loadEnv } from '@libs/config';
import { flags, round } from './stats';
import { startBenchVigil } from './vigil-child';

const opts = flags({ alerts: '2000', kib: '9', duration: '30', perBody: '50' });
const CLOCK_TICKS = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU time in 1/100 s

/** User plus system CPU seconds of a process so far (what process.cpuUsage() gives inside it). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

const config = {
  apiVersion: 'vigil/v1',
  idcs: [
    { name: 'sha', capacity: 100 },
    { name: 'bjs', capacity: 100 },
  ],
  services: [
    {
      name: 'live-edge',
      endpoints: ['sha', 'bjs'].map((idc) => ({ idc, name: `${idc}-1`, url: `http://10.0.0.1/healthz` })),
      checks: [{ name: 'healthz', type: 'http', interval: '5s', timeout: '1s' }],
    },
  ],
  rules: [
    {
      name: 'idc-on-fire',
      when: 'alerts.exists(a, a.labels.alertname == "IdcOnFire" && a.idc == idc.name)',
      for: '0s',
      mode: 'dry-run',
      actions: [{ type: 'shift-away' }],
    },
  ],
};

/** A firing alert of about `kib` KiB: a few labels and a long description. */
function alert(i: number) {
  const labels = {
    alertname: `Load${i % 50}`,
    service: 'live-edge',
    idc: i % 2 ? 'sha' : 'bjs',
    instance: `10.1.${Math.floor(i / 250)}.${i % 250}:9100`,
    severity: 'warning',
    job: 'node',
  };
  // Random text: Postgres cannot compress it away, as it would a repeated character.
  const description = randomBytes(Math.floor(((Number(opts.kib) * 1024 - 300) * 3) / 4)).toString('base64');
  return { labels, annotations: { summary: `load on ${i}`, description } };
}

async function main() {
  const env = loadEnv();
  const vigil = await startBenchVigil(env);
  const { url, token } = vigil;
  const headers = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
  const pg = new Client({ connectionString: vigil.databaseUrl });
  try {
    await pg.connect();
    const post = async (path: string, key: string, body: unknown) => {
      const res = await fetch(`${url}/api/v1/${path}`, {
        method: path === 'config' ? 'PUT' : 'POST',
        headers: headers(key),
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { token: string };
    };
    await post('config', token, config);
    const webhook = (await post('api-keys', token, { name: 'bench', role: 'webhook' })).token;
    /** Rows read from `alerts` so far, in all and by sequential scan and by each index. */
    const rowsRead = async () => {
      const { rows } = await pg.query<{ how: string; n: string }>(
        `SELECT 'seq' AS how, coalesce(seq_tup_read, 0) AS n FROM pg_stat_user_tables WHERE relname = 'alerts'
         UNION ALL
         SELECT indexrelname, idx_tup_fetch FROM pg_stat_user_indexes WHERE relname = 'alerts'`,
      );
      return Object.fromEntries(rows.map((r) => [r.how, Number(r.n)]));
    };
    const durationS = Number(opts.duration);
    /** CPU % of one core and rows read from `alerts` per second, over `durationS`. */
    const measure = async () => {
      const [cpu0, rows0, t0] = [cpuOf(vigil.process.pid!), await rowsRead(), Date.now()];
      await new Promise((r) => setTimeout(r, durationS * 1000));
      const [cpu1, rows1, t1] = [cpuOf(vigil.process.pid!), await rowsRead(), Date.now()];
      const seconds = (t1 - t0) / 1000;
      const perSecond = Object.fromEntries(
        Object.keys(rows1).map((how) => [how, round((rows1[how] - (rows0[how] ?? 0)) / seconds, 0)]),
      );
      return {
        cpuPercent: round(((cpu1 - cpu0) / seconds) * 100, 1),
        alertRowsReadPerSecond: Object.values(perSecond).reduce((a, b) => a + b, 0),
        byScan: perSecond,
      };
    };

    await new Promise((r) => setTimeout(r, 5000)); // leadership taken, config followed
    const idle = await measure();
    const total = Number(opts.alerts);
    const perBody = Number(opts.perBody);
    for (let i = 0; i < total; i += perBody) {
      const alerts = Array.from({ length: Math.min(perBody, total - i) }, (_, k) => alert(i + k));
      await post('webhooks/generic', webhook, { alerts });
    }
    const stored = await pg.query<{ n: number; bytes: number }>(
      `SELECT count(*)::int AS n, avg(octet_length(labels::text) + octet_length(annotations::text))::int AS bytes
       FROM alerts WHERE status = 'firing'`,
    );
    // The steady state: autovacuum would analyze the table within a minute or so; until then the
    // planner takes it for empty and scans it whole.
    await pg.query('ANALYZE alerts');
    await new Promise((r) => setTimeout(r, 3000)); // the first full read done
    const firing = await measure();
    const report = {
      benchmark: 'alert-facts',
      machine: { cpus: cpus().length, node: process.version },
      setup: { firingAlerts: stored.rows[0].n, storedBytesPerAlert: stored.rows[0].bytes, durationS },
      idle,
      firing,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await pg.end().catch(() => undefined);
    await vigil.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:alert-facts failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
