import { ALERT_FACTS_LIMIT, AlertFacts, type AlertFactRow } from './alert-facts';

const row = (name: string, extra: Partial<AlertFactRow> = {}): AlertFactRow => ({
  name,
  status: 'firing',
  labels: { alertname: name, idc: 'sha' },
  annotations: {},
  service: 'live-edge',
  idc: 'sha',
  endpoint: null,
  starts_at: new Date(1000),
  ...extra,
});

/** A loader over a table the test changes; counts reads. */
function table(initial: AlertFactRow[]) {
  const state = { rows: initial, reads: 0, fail: false };
  const load = async () => {
    state.reads++;
    if (state.fail) throw new Error('connection lost');
    return state.rows.map((r) => structuredClone(r)); // a new result each read, as Postgres gives
  };
  return { state, load };
}

describe('AlertFacts', () => {
  it('converts rows: epoch ms start, no field for a missing service, IDC or endpoint', async () => {
    const { load } = table([row('HighErrorRate', { service: null })]);
    const facts = await new AlertFacts(load, () => undefined).current(0);
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
    const { state, load } = table([row('A')]);
    const facts = new AlertFacts(load, () => undefined);
    await facts.current(10_000);
    await facts.current(10_500);
    await facts.current(10_999);
    expect(state.reads).toBe(1);
    await facts.current(11_000);
    expect(state.reads).toBe(2);
  });

  it('gives the same array while nothing changed, and a new one when something did', async () => {
    const { state, load } = table([row('A'), row('B')]);
    const facts = new AlertFacts(load, () => undefined);
    const first = await facts.current(0);
    expect(await facts.current(1000)).toBe(first);
    state.rows = [row('A'), row('B', { annotations: { summary: 'worse' } })];
    const second = await facts.current(2000);
    expect(second).not.toBe(first);
    expect(second[1].annotations).toEqual({ summary: 'worse' });
    state.rows = [row('A')];
    expect(await facts.current(3000)).toHaveLength(1);
    state.rows = [];
    expect(await facts.current(4000)).toEqual([]);
  });

  it('keeps the last alerts when a read fails, and says so', async () => {
    const { state, load } = table([row('A')]);
    const warnings: string[] = [];
    const facts = new AlertFacts(load, (m) => warnings.push(m));
    const first = await facts.current(0);
    state.fail = true;
    expect(await facts.current(1000)).toBe(first);
    expect(warnings).toEqual(['alerts for the rules not read (the last ones stay): connection lost']);
  });

  it('says so when the limit cuts the firing alerts, once per change', async () => {
    const { state, load } = table(Array.from({ length: ALERT_FACTS_LIMIT }, (_, i) => row(`A${i}`)));
    const warnings: string[] = [];
    const facts = new AlertFacts(load, (m) => warnings.push(m));
    expect(await facts.current(0)).toHaveLength(ALERT_FACTS_LIMIT);
    await facts.current(1000);
    expect(warnings).toEqual([
      `${ALERT_FACTS_LIMIT}+ alerts fire: the rules see the ${ALERT_FACTS_LIMIT} received last`,
    ]);
    state.rows = state.rows.slice(1);
    await facts.current(2000);
    expect(warnings).toHaveLength(1);
  });
});
