import { AlertFacts } from './alert-facts';
import type { AlertFactRow, AlertFactsSource } from './alert-facts-source';

const row = (fingerprint: string, extra: Partial<AlertFactRow> = {}): AlertFactRow => ({
  fingerprint,
  name: fingerprint,
  status: 'firing',
  labels: { alertname: fingerprint, idc: 'sha' },
  annotations: {},
  service: 'live-edge',
  idc: 'sha',
  endpoint: null,
  starts_at: new Date(1000),
  ends_ms: null,
  updated_us: 1,
  ...extra,
});

/**
 * The alerts table as Postgres shows it to AlertFacts: each write gets the next transaction id; a
 * write in an open transaction is not seen yet and holds the horizon back, as a snapshot's xmin does.
 */
function table() {
  let nextXid = 100;
  let clockUs = 1;
  const rows = new Map<string, { row: AlertFactRow; xid: number }>();
  const open = new Map<number, AlertFactRow[]>();
  const state = { fail: false, rowsRead: 0 };
  const visible = () => [...rows.values()];
  const horizon = () => String(Math.min(nextXid, ...open.keys()));
  const copy = (r: AlertFactRow) => structuredClone(r); // a new result each read, as Postgres gives
  const check = () => {
    if (state.fail) throw new Error('connection lost');
  };
  const source: AlertFactsSource = {
    firing: async (limit, now) => {
      check();
      const firing = visible()
        .map((v) => v.row)
        .filter((r) => r.status === 'firing' && (r.ends_ms === null || r.ends_ms > now))
        .sort((a, b) => b.updated_us - a.updated_us || (a.fingerprint < b.fingerprint ? 1 : -1))
        .slice(0, limit);
      state.rowsRead += firing.length;
      return { rows: firing.map(copy), horizon: horizon() };
    },
    changed: async (since, limit) => {
      check();
      const found = visible()
        .filter((v) => v.xid >= Number(since))
        .slice(0, limit)
        .map((v) => copy(v.row));
      state.rowsRead += found.length;
      return { rows: found, horizon: horizon() };
    },
  };
  /** Writes a row (a receipt: updated_us moves on unless `stale`), committed at once unless in `tx`. */
  const write = (r: AlertFactRow, opts: { stale?: boolean; tx?: number } = {}) => {
    const stored = {
      ...r,
      updated_us: opts.stale ? (rows.get(r.fingerprint)?.row.updated_us ?? 0) : ++clockUs,
    };
    if (opts.tx !== undefined) open.get(opts.tx)!.push(stored);
    else rows.set(r.fingerprint, { row: stored, xid: nextXid++ });
  };
  const begin = () => {
    const xid = nextXid++;
    open.set(xid, []);
    return xid;
  };
  const commit = (xid: number) => {
    for (const r of open.get(xid)!) rows.set(r.fingerprint, { row: r, xid });
    open.delete(xid);
  };
  return { source, state, write, begin, commit, rows };
}

const warnings = () => {
  const list: string[] = [];
  return { list, warn: (m: string) => list.push(m) };
};

describe('AlertFacts', () => {
  it('converts rows: epoch ms start, no field for a missing service, IDC or endpoint', async () => {
    const t = table();
    t.write(row('HighErrorRate', { service: null }));
    const facts = await new AlertFacts(t.source, () => undefined).current(0);
    expect(facts).toEqual([
      {
        name: 'HighErrorRate',
        status: 'firing',
        labels: { alertname: 'HighErrorRate', idc: 'sha' },
        annotations: {},
        idc: 'sha',
        startsAt: 1000,
      },
    ]);
  });

  it('reads at most once a second', async () => {
    const t = table();
    const facts = new AlertFacts(t.source, () => undefined);
    await facts.current(10_000);
    await facts.current(10_500);
    await facts.current(10_999);
    expect(facts.stats.reads).toBe(1);
    await facts.current(11_000);
    expect(facts.stats.reads).toBe(2);
  });

  it('reads whole once, then only the rows written since: none while nothing changes', async () => {
    const t = table();
    for (let i = 0; i < 50; i++) t.write(row(`A${i}`));
    const facts = new AlertFacts(t.source, () => undefined);
    const first = await facts.current(0);
    expect(first).toHaveLength(50);
    expect(facts.stats).toEqual({ rows: 50, reads: 1, wholeReads: 1 });
    for (let s = 1; s <= 5; s++) expect(await facts.current(s * 1000)).toBe(first);
    expect(facts.stats).toEqual({ rows: 50, reads: 6, wholeReads: 1 });
    t.write(row('A7', { annotations: { summary: 'worse' } }));
    const second = await facts.current(6000);
    expect(facts.stats).toEqual({ rows: 51, reads: 7, wholeReads: 1 });
    expect(second).not.toBe(first);
    expect(second.find((a) => a.name === 'A7')?.annotations).toEqual({ summary: 'worse' });
  });

  it('gives the same array after a repeat that changes nothing the rules see', async () => {
    const t = table();
    t.write(row('A'));
    const facts = new AlertFacts(t.source, () => undefined);
    const first = await facts.current(0);
    t.write(row('A')); // received again: updated_at moves on
    t.write(row('A'), { stale: true });
    expect(await facts.current(1000)).toBe(first);
    expect(facts.stats.rows).toBe(2);
  });

  it('drops resolved alerts and those whose end time passed', async () => {
    const t = table();
    t.write(row('A'));
    t.write(row('B', { ends_ms: 2500 }));
    t.write(row('C'));
    const facts = new AlertFacts(t.source, () => undefined);
    expect((await facts.current(0)).map((a) => a.name)).toEqual(['A', 'B', 'C']);
    t.write(row('C', { status: 'resolved' }));
    expect((await facts.current(1000)).map((a) => a.name)).toEqual(['A', 'B']);
    expect((await facts.current(2000)).map((a) => a.name)).toEqual(['A', 'B']);
    expect((await facts.current(3000)).map((a) => a.name)).toEqual(['A']); // no write: B's end passed
  });

  it('reads a write that a slow transaction commits after a later one was read', async () => {
    const t = table();
    const facts = new AlertFacts(t.source, () => undefined);
    await facts.current(0);
    const slow = t.begin();
    t.write(row('Slow'), { tx: slow });
    t.write(row('Quick'));
    expect((await facts.current(1000)).map((a) => a.name)).toEqual(['Quick']);
    t.commit(slow);
    expect((await facts.current(2000)).map((a) => a.name)).toEqual(['Quick', 'Slow']);
    expect(facts.stats.wholeReads).toBe(1);
  });

  it('reads whole again in a new leadership term', async () => {
    const t = table();
    t.write(row('A'));
    const facts = new AlertFacts(t.source, () => undefined);
    await facts.current(0, 7);
    await facts.current(1000, 7);
    expect(facts.stats.wholeReads).toBe(1);
    await facts.current(2000, 9);
    expect(facts.stats.wholeReads).toBe(2);
  });

  it('keeps the last alerts when a read fails, says so, and reads whole next time', async () => {
    const t = table();
    t.write(row('A'));
    const { list, warn } = warnings();
    const facts = new AlertFacts(t.source, warn);
    const first = await facts.current(0);
    t.state.fail = true;
    expect(await facts.current(1000)).toBe(first);
    expect(list).toEqual(['alerts for the rules not read (the last ones stay): connection lost']);
    t.state.fail = false;
    t.write(row('B'));
    expect(await facts.current(2000)).toHaveLength(2);
    expect(facts.stats.wholeReads).toBe(2);
  });

  it('holds the alerts received last when more fire than the limit, and says so once', async () => {
    const t = table();
    for (let i = 0; i < 6; i++) t.write(row(`A${i}`));
    const { list, warn } = warnings();
    const facts = new AlertFacts(t.source, warn, 4);
    expect((await facts.current(0)).map((a) => a.name)).toEqual(['A2', 'A3', 'A4', 'A5']);
    t.write(row('A0')); // received again: now among the last four
    expect((await facts.current(1000)).map((a) => a.name)).toEqual(['A0', 'A3', 'A4', 'A5']);
    t.write(row('A4', { status: 'resolved' })); // one left: the next in line (A2) comes in
    expect((await facts.current(2000)).map((a) => a.name)).toEqual(['A0', 'A2', 'A3', 'A5']);
    expect(list).toEqual(['4+ alerts fire: the rules see the 4 received last']);
  });

  it('reads whole instead when more rows changed than it holds', async () => {
    const t = table();
    const facts = new AlertFacts(t.source, () => undefined, 4);
    await facts.current(0);
    for (let i = 0; i < 5; i++) t.write(row(`A${i}`));
    expect(await facts.current(1000)).toHaveLength(4);
    expect(facts.stats).toEqual({ rows: 5 + 5, reads: 3, wholeReads: 2 });
  });

  it.each([1000, 4])(
    'sees what a whole read sees after any sequence of writes (seeded, limit %d)',
    async (limit) => {
      let seed = 20261202;
      const random = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      const t = table();
      const facts = new AlertFacts(t.source, () => undefined, limit);
      const pending: number[] = [];
      for (let step = 0; step < 400; step++) {
        const now = step * 1000;
        for (let w = random(4); w > 0; w--) {
          const fp = `F${random(12)}`;
          const op = random(6);
          const tx = op === 5 ? t.begin() : undefined;
          if (tx !== undefined) pending.push(tx);
          if (op === 0) t.write(row(fp, { status: 'resolved' }), { tx });
          else if (op === 1) t.write(row(fp, { ends_ms: now + random(3) * 1000 }), { tx });
          else if (op === 2) t.write(row(fp, { labels: { alertname: fp, n: String(random(3)) } }), { tx });
          else if (op === 3 && t.rows.has(fp)) t.write(t.rows.get(fp)!.row, { stale: true });
          else t.write(row(fp), { tx });
        }
        if (pending.length && random(3) === 0) t.commit(pending.splice(random(pending.length), 1)[0]);
        const whole = await new AlertFacts(t.source, () => undefined, limit).current(now);
        expect(await facts.current(now)).toEqual(whole);
      }
      expect(facts.stats.wholeReads).toBeLessThan(limit === 4 ? 400 : 2);
    },
  );
});
