import { startFleet, startTrafficManager, type FakeTrafficManager, type Fleet } from '@libs/fleet';
import { loadEnv } from '@libs/config';
import { randomBytes } from 'node:crypto';
import { drillConfig } from './support/failover-config';
import { call } from './support/http';
import { poll, sample } from './support/poll';
import { TcpProxy, type CutMode } from './support/tcp-proxy';
import { startVigil, type VigilUnderTest } from './support/vigil-app';
import { idcsTurnedHealthy } from './support/waits';

/** A short lease, so the leaderless alarm (TTL + 5 s) shows within the outage. */
const LEASE_TTL_MS = 3000;
const OUTAGE_MS = 15_000;

interface Readiness {
  status: string;
  info?: Record<string, Record<string, unknown>>;
  error?: Record<string, Record<string, unknown>>;
  details: Record<string, { status: string } & Record<string, unknown>>;
}

function proxyTo(url: string): TcpProxy {
  const u = new URL(url);
  return new TcpProxy({ host: u.hostname, port: Number(u.port || (u.protocol === 'redis:' ? 6379 : 5432)) });
}

/**
 * Vigil (every role, one process) with its Redis and Postgres behind TCP proxies the test cuts: the
 * controller leads again once Redis is back, health events and shifts go on, and `/readyz` answers
 * 503 naming what is missing (Redis, Postgres, a leader) while it is.
 */
describe('leadership and readiness through Redis and Postgres outages', () => {
  const SECRET = 'gslb-test-secret';
  const base = loadEnv();
  const redis = proxyTo(base.REDIS_URL);
  const postgres = proxyTo(base.DATABASE_URL);
  let fleet: Fleet;
  let gslb: FakeTrafficManager;
  let vigil: VigilUnderTest;

  const readyz = async () => {
    const reply = await call<Readiness>(vigil.url, 'GET', '/readyz');
    return { status: reply.status, body: reply.body };
  };
  const idcEvents = (idc: string, after: string, since: Date) =>
    vigil.sql(`SELECT 1 FROM health_events WHERE kind = 'idc' AND idc = $1 AND after = $2 AND at > $3`, [
      idc,
      after,
      since,
    ]);
  /** Cuts one proxy for `ms`, then restores it; resolves with the moment it was restored. */
  const outage = async (proxy: TcpProxy, mode: CutMode, ms: number, during: () => Promise<void>) => {
    await proxy.cut(mode);
    const cutAt = Date.now();
    try {
      await during();
      // The outage lasts this long whatever the checks above took: a fixed input of the test.
      await new Promise((r) => setTimeout(r, Math.max(0, cutAt + ms - Date.now())));
    } finally {
      await proxy.restore();
    }
    return new Date();
  };
  /** Polls until this process leads again; logs how long that took after `restoredAt`. */
  const leadsAgain = async (restoredAt: Date, what: string) => {
    await poll(
      async () => {
        const { status, body } = await readyz();
        return status === 200 && body.details.leader?.self === true ? true : undefined;
      },
      LEASE_TTL_MS + 30_000,
      `leadership again after ${what}`,
    );
    console.log(`${what}: leading again ${Date.now() - restoredAt.getTime()} ms after Redis was back`);
  };

  beforeAll(async () => {
    process.env.VIGIL_REF_TEST_GSLB_SECRET = SECRET;
    await redis.start();
    await postgres.start();
    // Fixed ports below the ephemeral range: a port closed for "refused" cannot be taken meanwhile.
    fleet = await startFleet({ idcs: ['sha', 'bjs', 'szx'], endpointsPerIdc: 4, basePort: 26000 });
    gslb = await startTrafficManager({ secret: SECRET });
    const database = new URL(base.DATABASE_URL);
    database.pathname = `/vigil_e2e_${randomBytes(5).toString('hex')}`;
    vigil = await startVigil({
      REDIS_URL: redis.rewrite(base.REDIS_URL),
      DATABASE_URL: postgres.rewrite(database.toString()),
      VIGIL_LEASE_TTL_MS: String(LEASE_TTL_MS),
      LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent',
    });
    const applied = await call(vigil.url, 'PUT', '/api/v1/config', {
      token: vigil.adminToken,
      json: drillConfig(fleet, {
        gslbUrl: gslb.url,
        secretEnv: 'VIGIL_REF_TEST_GSLB_SECRET',
        mode: 'enforce',
      }),
    });
    expect(applied.status).toBe(200);
    await idcsTurnedHealthy(vigil, 3, 30_000);
  });
  afterAll(async () => {
    await vigil?.close();
    await gslb?.close();
    await fleet?.close();
    await redis.stop();
    await postgres.stop();
  });

  it('leads again after Redis refused connections for 15 s, says it had no leader meanwhile, and shifts', async () => {
    expect((await readyz()).body.details.leader).toMatchObject({ status: 'up', self: true });

    const restoredAt = await outage(redis, 'refuse', OUTAGE_MS, async () => {
      const down = await poll(
        async () => {
          const { status, body } = await readyz();
          return status === 503 && body.details.leader?.status === 'down' ? body : undefined;
        },
        OUTAGE_MS,
        '/readyz to say there is no leader',
      );
      expect(down.details.redis.status).toBe('down');
      expect(down.details.leader.message).toMatch(/no controller has held the leader lease/);
    });
    await leadsAgain(restoredAt, '15 s refused');
    // Health runs again: the IDCs, stale while no results came, are HEALTHY again.
    await poll(
      async () => {
        const latest = await vigil.sql<{ after: string }>(
          `SELECT DISTINCT ON (idc) after FROM health_events WHERE kind = 'idc' ORDER BY idc, at DESC, id DESC`,
        );
        return latest.length === 3 && latest.every((e) => e.after === 'HEALTHY') ? true : undefined;
      },
      30_000,
      'every IDC HEALTHY again',
    );

    // Rules and shifts run again: an IDC lost now is seen and shifted away from.
    await fleet.set({ idc: 'szx' }, 'refused');
    await poll(
      async () => ((await idcEvents('szx', 'UNHEALTHY', restoredAt)).length ? true : undefined),
      30_000,
      'szx UNHEALTHY after the outage',
    );
    await poll(
      async () => {
        const rows = await vigil.sql(
          `SELECT 1 FROM actions WHERE kind = 'shift-away' AND state = 'completed'`,
        );
        return rows.length ? true : undefined;
      },
      30_000,
      'the shift away from szx to complete',
    );
    expect(gslb.weights('live')).toMatchObject({ szx: 0 });
    const metrics = await call(vigil.url, 'GET', '/metrics', { token: vigil.adminToken });
    expect(sample(metrics.text, 'vigil_controller_leader')).toBe(1);
    expect(sample(metrics.text, 'vigil_controller_leaderless_seconds')).toBe(0);
  });

  it('leads again after a 15 s partition from Redis (connections hang), and health events go on', async () => {
    const restoredAt = await outage(redis, 'blackhole', OUTAGE_MS, async () => {
      await poll(
        async () => ((await readyz()).status === 503 ? true : undefined),
        OUTAGE_MS,
        '/readyz 503 in the partition',
      );
    });
    await leadsAgain(restoredAt, '15 s partition');
    await fleet.set({ idc: 'szx' }, 'up');
    await poll(
      async () => ((await idcEvents('szx', 'HEALTHY', restoredAt)).length ? true : undefined),
      30_000,
      'szx HEALTHY after the partition',
    );
  });

  it('answers 503 naming Postgres while it is cut, and 200 once it is back', async () => {
    await postgres.cut('refuse');
    try {
      const down = await poll(
        async () => {
          const { status, body } = await readyz();
          return status === 503 ? body : undefined;
        },
        30_000,
        '/readyz 503 without Postgres',
      );
      expect(down.details.postgres.status).toBe('down');
      expect(down.details.redis.status).toBe('up');
    } finally {
      await postgres.restore();
    }
    await poll(async () => ((await readyz()).status === 200 ? true : undefined), 30_000, '/readyz 200 again');
  });
});
