import { StreamSlots, type SlotRefusal } from './stream-slots';

describe('StreamSlots', () => {
  const refusal = (slots: StreamSlots, key: string): SlotRefusal | 'ok' => {
    const taken = slots.take(key);
    return 'refused' in taken ? taken.refused : 'ok';
  };

  it.each([
    // [per key, max, keys taken in order, the outcome of each]
    [2, 10, ['a', 'a', 'a', 'b'], ['ok', 'ok', 'per-key', 'ok']],
    [5, 3, ['a', 'b', 'c', 'd'], ['ok', 'ok', 'ok', 'process']],
    [1, 2, ['a', 'a', 'b', 'c'], ['ok', 'per-key', 'ok', 'process']],
  ])('per key %i, at most %i: %j get %j', (perKey, max, keys, outcomes) => {
    const slots = new StreamSlots(perKey, max);
    expect(keys.map((key) => refusal(slots, key))).toEqual(outcomes);
  });

  it('gives a slot back once, however often its release is called', () => {
    const slots = new StreamSlots(2, 3);
    const first = slots.take('a');
    slots.take('a');
    slots.take('b');
    expect(refusal(slots, 'a')).toBe('per-key');
    if (!('release' in first)) throw new Error('expected a slot');
    first.release();
    first.release();
    expect(slots.open).toBe(2);
    expect(refusal(slots, 'a')).toBe('ok');
    expect(refusal(slots, 'c')).toBe('process');
  });
});
