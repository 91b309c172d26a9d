import { cooldown, freeze } from './guards';
import { context, NOW } from './testing/fixtures';
import type { ShiftGuards } from './types';

const REFUSED_1M_AGO = {
  kind: 'refused',
  guardrail: 'cooldown',
  reason: 'Cooldown: the last action on checkout was 1m ago and the cooldown is 5m (4m left).',
  page: false,
  retryAt: NOW + 240_000,
};

describe('cooldown: the way out is never damped', () => {
  it.each<[string, ShiftGuards['lastAction'], string | undefined, object | undefined]>([
    ['no action yet', undefined, 'sha', undefined],
    [
      'shift away after a shift away',
      { kind: 'shift-away', idc: 'bjs', at: NOW - 60_000 },
      'sha',
      REFUSED_1M_AGO,
    ],
    // The failback of sha came too early: draining sha again does not wait.
    [
      'shift away from the IDC just failed back',
      { kind: 'failback', idc: 'sha', at: NOW - 60_000 },
      'sha',
      undefined,
    ],
    [
      'shift away from another IDC than the one failed back',
      { kind: 'failback', idc: 'bjs', at: NOW - 60_000 },
      'sha',
      REFUSED_1M_AGO,
    ],
    // A failback or a set-weights (no IDC to leave) right after a failback waits as before.
    [
      'not a shift away, after a failback',
      { kind: 'failback', idc: 'sha', at: NOW - 60_000 },
      undefined,
      REFUSED_1M_AGO,
    ],
    [
      'shift away after a set-weights fired for the IDC',
      { kind: 'set-weights', idc: 'sha', at: NOW - 60_000 },
      'sha',
      REFUSED_1M_AGO,
    ],
    ['cooldown over', { kind: 'shift-away', idc: 'sha', at: NOW - 300_000 }, 'sha', undefined],
  ])('%s', (_name, lastAction, awayFrom, expected) => {
    const guards: ShiftGuards = { ...context().guards, ...(lastAction ? { lastAction } : {}) };
    expect(cooldown(awayFrom)(context({ guards }))).toEqual(expected);
  });
});

describe('freeze', () => {
  it('refuses under a freeze, and names a maintenance window that froze', () => {
    const guards = (extra: Partial<ShiftGuards>) => ({ guards: { ...context().guards, ...extra } });
    expect(freeze(context(guards({ frozen: true })))).toMatchObject({
      guardrail: 'freeze',
      reason: 'A freeze window is in effect: no automatic traffic change for checkout.',
    });
    expect(
      freeze(context(guards({ frozen: true, frozenBy: 'maintenance window "db" (w1) until T' }))),
    ).toMatchObject({
      guardrail: 'freeze',
      reason:
        'The maintenance window "db" (w1) until T is in effect: no automatic traffic change for checkout.',
    });
    expect(freeze(context())).toBeUndefined();
  });
});
