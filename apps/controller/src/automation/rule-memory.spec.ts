import { decodeRuleBook, type RuleState } from '@libs/domain';
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

describe('RuleMemory.end', () => {
  it('keeps when a key last fired after its `for:` state moved on, and the disabled rules', async () => {
    let states: Record<string, RuleState> = { 'down|live|sha': { phase: 'firing', since: 5, firedAt: 10 } };
    const fake = {
      restoreStates: () => undefined,
      exportStates: () => states,
      exportDisabled: () => ({ costly: 12 }),
    } as unknown as RulesRunner;
    const saved: string[] = [];
    const memory = new RuleMemory(fake, { load: async () => null, save: async (t) => !!saved.push(t) });
    await memory.begin(1, 0);
    await memory.end(1, 20, new Set(['down', 'costly']));
    states = { 'down|live|sha': { phase: 'pending', since: 30 } };
    await memory.end(1, 40, new Set(['down', 'costly']));

    const book = decodeRuleBook(saved.at(-1)!, 40);
    expect(book.states).toEqual(states);
    expect(book.firedAt).toEqual({ 'down|live|sha': 10 });
    expect(book.disabled).toEqual({ costly: 12 });
    // Removed from the config: its firing time goes.
    await memory.end(1, 50, new Set(['costly']));
    expect(decodeRuleBook(saved.at(-1)!, 50).firedAt).toEqual({});
  });
});
