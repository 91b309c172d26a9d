import {
  decodeRuleBook,
  EMPTY_RULE_BOOK,
  encodeRuleBook,
  parseRuleStateKey,
  readRuleBook,
  RULE_STATE_GRACE_MS,
  ruleStateKey,
  type RuleBook,
  type RuleTarget,
} from './rule-book';

const book: RuleBook = {
  states: {
    'slow|live|sha': { phase: 'pending', since: 1000 },
    'fast|live|sha': { phase: 'firing', since: 1000, firedAt: 1000 },
    'fast|live|bjs': { phase: 'resolved', since: 500, firedAt: 600, resolvedAt: 900 },
    'drain|live|sha|10.0.0.1-8080': { phase: 'pending', since: 1200 },
  },
  actedAt: { 'fast|live|sha': 1000 },
  notifiedAt: { 'fast|live|bjs': 600 },
  firedAt: { 'fast|live|sha': 1000, 'fast|live|bjs': 600 },
  disabled: { costly: 1500 },
};

describe('encodeRuleBook / decodeRuleBook', () => {
  it('round-trips every phase and both cooldown clocks', () => {
    expect(decodeRuleBook(encodeRuleBook(book, 2000), 3000)).toEqual(book);
  });

  it('drops the `for:` states, not the cooldowns, of a book older than the grace period', () => {
    const text = encodeRuleBook(book, 2000);
    expect(decodeRuleBook(text, 2000 + RULE_STATE_GRACE_MS).states).toEqual(book.states);
    expect(decodeRuleBook(text, 2001 + RULE_STATE_GRACE_MS)).toEqual({ ...book, states: {}, disabled: {} });
    expect(decodeRuleBook(text, 2000 + 60_000, 60_000).states).toEqual(book.states);
  });

  it.each<[string, string | null]>([
    ['nothing saved', null],
    ['not JSON', '{'],
    ['not an object', '[1]'],
    ['another version', JSON.stringify({ v: 2, savedAt: 1, states: {} })],
    ['no saving time', JSON.stringify({ v: 1, states: {} })],
  ])('is empty when the book is not one: %s', (_, text) => {
    expect(decodeRuleBook(text, 0)).toEqual(EMPTY_RULE_BOOK);
  });

  it('drops the entries that are not well formed and keeps the others', () => {
    const text = JSON.stringify({
      v: 1,
      savedAt: 10,
      states: {
        ok: { phase: 'pending', since: 5 },
        'no since': { phase: 'pending' },
        'unknown phase': { phase: 'sleeping', since: 5 },
        'fired before it held': { phase: 'firing', since: 5, firedAt: 4 },
        'resolved before it fired': { phase: 'resolved', since: 1, firedAt: 5, resolvedAt: 4 },
        'not a state': 7,
      },
      actedAt: { ok: 9, negative: -1, text: '9', fraction: 1.5 },
      notifiedAt: 'none',
      firedAt: { ok: 7, text: '7' },
      disabled: { costly: 8, bad: null },
    });
    expect(decodeRuleBook(text, 10)).toEqual({
      states: { ok: { phase: 'pending', since: 5 } },
      actedAt: { ok: 9 },
      notifiedAt: {},
      firedAt: { ok: 7 },
      disabled: { costly: 8 },
    });
  });

  it('reads a book saved before firedAt and disabled were kept, with both empty', () => {
    const old = JSON.stringify({ v: 1, savedAt: 10, states: {}, actedAt: { 'a|s|i': 9 }, notifiedAt: {} });
    expect(readRuleBook(old, 10)).toEqual({
      book: { ...EMPTY_RULE_BOOK, actedAt: { 'a|s|i': 9 } },
      savedAt: 10,
    });
    expect(readRuleBook(null, 10)).toEqual({ book: EMPTY_RULE_BOOK, savedAt: null });
  });
});

describe('ruleStateKey / parseRuleStateKey', () => {
  it.each<[RuleTarget, string]>([
    [{ rule: 'down', service: 'live', idc: 'sha' }, 'down|live|sha'],
    [
      { rule: 'drain', service: 'live', idc: 'sha', endpoint: '10.0.0.1-8080' },
      'drain|live|sha|10.0.0.1-8080',
    ],
  ])('%j <-> %s', (target, key) => {
    expect(ruleStateKey(target)).toBe(key);
    expect(parseRuleStateKey(key)).toEqual(target);
  });

  it.each(['not-a-key', 'a|b', 'a|b|c|d|e', 'a||c', 'a|b|c|'])('is not a key: %s', (key) => {
    expect(parseRuleStateKey(key)).toBeUndefined();
  });
});
