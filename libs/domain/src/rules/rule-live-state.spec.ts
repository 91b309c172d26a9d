import { EMPTY_RULE_BOOK, type RuleBook } from './rule-book';
import { ruleLiveStates, ruleTargetState, type RuleBookEntry, type RuleTargetState } from './rule-live-state';

const NOW = 100_000;
const COOLDOWN = 60_000;

describe('ruleTargetState', () => {
  const idle: RuleTargetState = {
    state: 'inactive',
    pendingSince: null,
    lastFiredAt: null,
    cooldownUntil: null,
    cooldownLeftMs: 0,
  };

  it.each<[string, RuleBookEntry, boolean, Partial<RuleTargetState>]>([
    ['nothing remembered', {}, false, {}],
    [
      'pending',
      { state: { phase: 'pending', since: 90_000 } },
      false,
      { state: 'pending', pendingSince: 90_000 },
    ],
    [
      'firing',
      { state: { phase: 'firing', since: 80_000, firedAt: 95_000 } },
      false,
      { state: 'firing', pendingSince: 80_000, lastFiredAt: 95_000 },
    ],
    [
      'firing wins over its own cooldown',
      { state: { phase: 'firing', since: 80_000, firedAt: 95_000 }, actedAt: 95_000 },
      false,
      {
        state: 'firing',
        pendingSince: 80_000,
        lastFiredAt: 95_000,
        cooldownUntil: 155_000,
        cooldownLeftMs: 55_000,
      },
    ],
    [
      'resolved, acted 30 s ago: cooling down',
      { state: { phase: 'resolved', since: 60_000, firedAt: 70_000, resolvedAt: 75_000 }, actedAt: 70_000 },
      false,
      { state: 'cooldown', lastFiredAt: 70_000, cooldownUntil: 130_000, cooldownLeftMs: 30_000 },
    ],
    [
      'notified later than it acted: the later clock counts',
      { actedAt: 10_000, notifiedAt: 50_000 },
      false,
      { state: 'cooldown', cooldownUntil: 110_000, cooldownLeftMs: 10_000 },
    ],
    [
      'cooldown over at exactly now',
      { actedAt: NOW - COOLDOWN, firedAt: 30_000 },
      false,
      { lastFiredAt: 30_000 },
    ],
    [
      'pending again after a firing: the book keeps when it last fired',
      { state: { phase: 'pending', since: 99_000 }, firedAt: 20_000 },
      false,
      { state: 'pending', pendingSince: 99_000, lastFiredAt: 20_000 },
    ],
    [
      'disabled hides the `for:` state but keeps the clocks',
      { state: { phase: 'pending', since: 90_000 }, actedAt: 90_000, firedAt: 90_000 },
      true,
      { state: 'disabled', lastFiredAt: 90_000, cooldownUntil: 150_000, cooldownLeftMs: 50_000 },
    ],
  ])('%s', (_, entry, disabled, expected) => {
    expect(ruleTargetState(entry, { cooldownMs: COOLDOWN, disabled }, NOW)).toEqual({ ...idle, ...expected });
  });
});

describe('ruleLiveStates', () => {
  const book: RuleBook = {
    ...EMPTY_RULE_BOOK,
    states: {
      'down|web|sha': { phase: 'firing', since: 90_000, firedAt: 90_000 },
      'down|api|bjs': { phase: 'pending', since: 99_000 },
      'gone|web|sha': { phase: 'pending', since: 99_000 },
      'not-a-key': { phase: 'pending', since: 99_000 },
      'drain|web|sha|web-2.sha': { phase: 'firing', since: 95_000, firedAt: 95_000 },
      'drain|web|sha|web-1.sha': { phase: 'pending', since: 99_000 },
    },
    actedAt: { 'down|web|bjs': 50_000, 'drain|web|sha|web-1.sha': 60_000 },
  };

  it('groups the book per rule and target, sorted, with the most active state on top', () => {
    const rules = ruleLiveStates(
      book,
      [
        { name: 'down', cooldownMs: COOLDOWN },
        { name: 'quiet', cooldownMs: COOLDOWN },
      ],
      NOW,
    );
    expect(
      rules.map((r) => [r.name, r.state, r.targets.map((t) => `${t.service}/${t.idc}:${t.state}`)]),
    ).toEqual([
      ['down', 'firing', ['api/bjs:pending', 'web/bjs:cooldown', 'web/sha:firing']],
      ['quiet', 'inactive', []],
    ]);
  });

  it('tells the endpoints of a rule evaluated per endpoint apart, sorted by endpoint', () => {
    const [rule] = ruleLiveStates(book, [{ name: 'drain', cooldownMs: COOLDOWN }], NOW);
    expect(rule.state).toBe('firing');
    expect(rule.targets.map((t) => [t.service, t.idc, t.endpoint, t.state, t.cooldownLeftMs])).toEqual([
      ['web', 'sha', 'web-1.sha', 'pending', 20_000],
      ['web', 'sha', 'web-2.sha', 'firing', 0],
    ]);
  });

  it('says disabled, with when, for a rule the leader disabled, even with no target', () => {
    const [rule] = ruleLiveStates(
      { ...book, disabled: { quiet: 7 } },
      [{ name: 'quiet', cooldownMs: 0 }],
      NOW,
    );
    expect(rule).toEqual({ name: 'quiet', state: 'disabled', disabledAt: 7, targets: [] });
  });
});
