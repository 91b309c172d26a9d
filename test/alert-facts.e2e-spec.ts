import { DataSource } from 'typeorm';
import { AlertFacts } from '../apps/controller/src/automation/alert-facts';
import { AlertsStore } from '../apps/controller/src/automation/alerts-store';
import { call } from './support/http';
import { poll } from './support/poll';
import { startVigil, type VigilUnderTest } from './support/vigil-app';

/** A small seeded PRNG (mulberry32): the same sequence of posts on every run. */
function prng(seed: number) {
  return (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/**
 * The leader's alerts fact (AlertFacts) read from a real Postgres that real webhook posts write: the
 * rows changed since the last read, against a whole read of the same table. The app runs the API
 * only, so this test's reader is the only one.
 */
describe('the alerts the rules see', () => {
  let vigil: VigilUnderTest;
  let webhookKey = '';
  let source: AlertsStore;

  const post = async (alerts: unknown[]) => {
    const res = await call(vigil.url, 'POST', '/api/v1/webhooks/generic', {
      token: webhookKey,
      json: { alerts },
    });
    expect([res.status, res.body.message]).toEqual([200, undefined]);
  };
  const whole = (now: number) => new AlertFacts(source, () => undefined).current(now);

  beforeAll(async () => {
    vigil = await startVigil({ VIGIL_ROLES: 'api' });
    source = new AlertsStore(vigil.app.get(DataSource));
    const res = await call(vigil.url, 'POST', '/api/v1/api-keys', {
      token: vigil.adminToken,
      json: { name: 'webhook-key', role: 'webhook' },
    });
    expect(res.status).toBe(201);
    webhookKey = res.body.token;
  });
  afterAll(async () => {
    await vigil?.close();
  });

  it('reading only what changed sees new, updated, resolved and ended alerts exactly like a whole read', async () => {
    const random = prng(20261202);
    const facts = new AlertFacts(source, () => undefined);
    let clock = Date.now(); // the reader's: a second on with every read
    /** A random alert of 20: firing (new labels, an end time soon or none) or resolved. */
    const alert = (round: number) => {
      const name = `A${random(20)}`;
      const kind = random(5);
      return {
        name,
        fingerprint: name,
        labels: { idc: ['sha', 'bjs'][random(2)], load: String(random(4)) },
        annotations: { summary: `round ${round}` },
        status: kind === 0 ? 'resolved' : 'firing',
        ...(kind === 1 && { endsAt: new Date(clock + random(8) * 1000).toISOString() }),
      };
    };
    let sawSome = false;
    for (let round = 0; round < 40; round++) {
      // Bodies at once, in their own transactions, while the reader reads again and again.
      let posting = true;
      const bodies = Promise.all(
        Array.from({ length: 1 + random(3) }, () =>
          post(Array.from({ length: 1 + random(4) }, () => alert(round))),
        ),
      ).finally(() => (posting = false));
      while (posting) await facts.current((clock += 1000));
      await bodies;
      const seen = await facts.current((clock += 1000));
      expect(seen).toEqual(await whole(clock));
      sawSome ||= seen.length > 3;
    }
    expect(sawSome).toBe(true);
    expect(facts.stats.wholeReads).toBe(1);
  });

  it('reads no row when nothing changed, and the same array', async () => {
    const facts = new AlertFacts(source, () => undefined);
    await post([{ name: 'Quiet', labels: { idc: 'sha' } }]);
    let now = Date.now();
    const first = await facts.current(now);
    expect(first.find((a) => a.name === 'Quiet')).toBeDefined();
    // Rows written by transactions open when a read began are read again once: another database's
    // transaction on this shared server may hold the horizon back for a moment.
    await poll(
      async () => {
        const before = facts.stats.rows;
        await facts.current((now += 1000));
        return facts.stats.rows === before ? true : undefined;
      },
      30_000,
      'a read of no row',
    );
    const rows = facts.stats.rows;
    for (let i = 0; i < 3; i++) expect(await facts.current((now += 1000))).toBe(first);
    expect(facts.stats).toMatchObject({ rows, wholeReads: 1 });
    await post([{ name: 'Quiet', labels: { idc: 'sha' }, status: 'resolved' }]);
    expect((await facts.current((now += 1000))).find((a) => a.name === 'Quiet')).toBeUndefined();
    expect(facts.stats.wholeReads).toBe(1);
  });

  it('refuses oversized labels and annotations with a 400 naming the field; nothing stored', async () => {
    const count = async () => (await vigil.sql<{ n: number }>('SELECT count(*)::int AS n FROM alerts'))[0].n;
    const before = await count();
    const cases: Array<[object, string]> = [
      [{ labels: { foo: 'x'.repeat(1025) } }, 'alerts[1].labels.foo: value longer than 1024 bytes (UTF-8)'],
      [
        { labels: {}, annotations: { a: 'x'.repeat(9000), b: 'x'.repeat(9000) } },
        'alerts[1].annotations: larger than 16 KiB in all (names and values, UTF-8): 18002 bytes',
      ],
      [
        { labels: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`l${i}`, 'v'])) },
        'alerts[1].labels: more than 64 labels with alertname',
      ],
    ];
    for (const [extra, message] of cases) {
      const res = await call(vigil.url, 'POST', '/api/v1/webhooks/generic', {
        token: webhookKey,
        json: {
          alerts: [
            { name: 'Fine', labels: {} },
            { name: 'Big', ...extra },
          ],
        },
      });
      expect([res.status, res.body.message]).toEqual([400, message]);
      expect(res.body.details).toEqual([
        { path: message.split(': ')[0], message: message.split(': ').slice(1).join(': ') },
      ]);
    }
    expect(await count()).toBe(before);
  });
});
