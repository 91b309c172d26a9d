import { RuleMemory } from './rule-memory';
import type { RulesRunner } from './rules-runner';

const runner = { restoreStates: () => undefined, exportStates: () => ({}) } as unknown as RulesRunner;

describe('RuleMemory.forget', () => {
  it("drops every rule's clock of the (service, IDC), and only those", async () => {
    const memory = new RuleMemory(runner, { load: async () => null, save: async () => true });
    await memory.begin(1, 0);
    for (const key of ['down|live|sha', 'slow|live|sha', 'down|live|szx', 'down|live-2|sha'])
      memory.record('actedAt', key, 1000);
    memory.record('notifiedAt', 'down|live|sha', 1000);

    memory.forget('actedAt', 'live', 'sha');

    const cooling = (what: 'actedAt' | 'notifiedAt', key: string) =>
      memory.coolingDown(what, key, 2000, 60_000);
    expect(cooling('actedAt', 'down|live|sha')).toBe(false);
    expect(cooling('actedAt', 'slow|live|sha')).toBe(false);
    expect(cooling('actedAt', 'down|live|szx')).toBe(true);
    expect(cooling('actedAt', 'down|live-2|sha')).toBe(true);
    expect(cooling('notifiedAt', 'down|live|sha')).toBe(true);
  });
});
