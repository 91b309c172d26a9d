import { TraceCauses, TraceMemory } from './trace-memory';

const tp = (n: number) => `00-${'a'.repeat(31)}${n}-${'b'.repeat(15)}${n}-01`;

describe('TraceMemory', () => {
  it('keeps the newest traceparent per key and forgets the oldest key past its bound', () => {
    const memory = new TraceMemory(2);
    memory.set('a', tp(1));
    memory.set('b', tp(2));
    memory.set('a', tp(3)); // a is now the newest
    memory.set('c', tp(4));
    expect(memory.get('a')).toBe(tp(3));
    expect(memory.get('b')).toBeUndefined();
    expect(memory.get('c')).toBe(tp(4));
    expect(memory.size).toBe(2);
  });

  it('ignores an undefined traceparent (tracing off) and forgets a deleted key', () => {
    const memory = new TraceMemory();
    memory.set('a', undefined);
    expect(memory.size).toBe(0);
    memory.set('a', tp(1));
    memory.delete('a');
    expect(memory.get('a')).toBeUndefined();
  });
});

describe('TraceCauses', () => {
  it('hands the newest over as the parent and the others as links, once', () => {
    const causes = new TraceCauses(3);
    for (const n of [1, 2, 3, 4]) causes.add(tp(n));
    causes.add(undefined);
    expect(causes.take()).toEqual({ parent: tp(4), links: [tp(2), tp(3)] });
    expect(causes.take()).toEqual({ parent: undefined, links: [] });
  });

  it('leaves out causes older than its bound', () => {
    let now = 0;
    const causes = new TraceCauses(16, 30_000, () => now);
    causes.add(tp(1));
    now = 20_000;
    causes.add(tp(2));
    now = 40_000;
    expect(causes.take()).toEqual({ parent: tp(2), links: [] });
  });
});
