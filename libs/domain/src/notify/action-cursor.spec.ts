import { advanceActionCursor, unseenActionChanges, type ActionCursor } from './action-cursor';
import type { ActionChange } from './types';

const change = (id: string, state: string, at: number): ActionChange => ({
  id,
  service: 'live',
  idc: 'sha',
  kind: 'shift-away',
  state,
  reason: 'r',
  rule: null,
  mode: 'enforce',
  at,
});
const cursor = (at: number, seen: Array<[string, number]> = []): ActionCursor => ({
  at,
  seen: new Map(seen),
});

describe('unseenActionChanges', () => {
  it.each<[string, ActionCursor, ActionChange[], boolean, string[], boolean]>([
    ['nothing seen: all of them, done', cursor(0), [change('a', 'held', 1)], false, ['a:held'], false],
    [
      'a full page of seen changes: read on',
      cursor(5, [['a:held', 1]]),
      [change('a', 'held', 1)],
      true,
      [],
      true,
    ],
    [
      'a short page of seen changes: done',
      cursor(5, [['a:held', 1]]),
      [change('a', 'held', 1)],
      false,
      [],
      false,
    ],
    [
      'a full page with something new: stop there',
      cursor(5, [['a:held', 1]]),
      [change('a', 'held', 1), change('a', 'failed', 2)],
      true,
      ['a:failed'],
      false,
    ],
  ])('%s', (_name, from, page, more, unseen, readOn) => {
    const out = unseenActionChanges(from, page, more);
    expect(out.changes.map((c) => `${c.id}:${c.state}`)).toEqual(unseen);
    expect(out.readOn).toBe(readOn);
  });
});

describe('advanceActionCursor', () => {
  it.each<[string, ActionCursor, ActionChange[], number, Array<[string, number]>]>([
    ['nothing read: unchanged', cursor(100, [['a:held', 90]]), [], 100, [['a:held', 90]]],
    [
      'moves past the latest change and marks each seen',
      cursor(100),
      [change('a', 'held', 150), change('b', 'failed', 120)],
      150,
      [
        ['a:held', 150],
        ['b:failed', 120],
      ],
    ],
    ['never moves back', cursor(500), [change('a', 'held', 400)], 500, [['a:held', 400]]],
    [
      'forgets what is a minute older than the cursor',
      cursor(0, [['old:held', 1_000]]),
      [change('a', 'held', 70_000)],
      70_000,
      [['a:held', 70_000]],
    ],
    [
      'keeps the latest time of a change seen twice',
      cursor(0, [['a:held', 300]]),
      [change('a', 'held', 200)],
      200,
      [['a:held', 300]],
    ],
  ])('%s', (_name, from, read, at, seen) => {
    const snapshot = [...from.seen];
    const out = advanceActionCursor(from, read);
    expect(out.at).toBe(at);
    expect([...out.seen]).toEqual(seen);
    expect([...from.seen]).toEqual(snapshot);
  });
});
