import { TtlCache } from './snapshot-cache';

describe('TtlCache', () => {
  let now = 0;
  const clock = () => now;

  it('reads once per ttl and shares one in-flight read between concurrent callers', async () => {
    let reads = 0;
    let release: () => void = () => undefined;
    const cache = new TtlCache(
      () => new Promise<number>((resolve) => (release = () => resolve(++reads))),
      500,
      clock,
    );
    const waiting = Array.from({ length: 50 }, () => cache.get());
    release();
    expect(await Promise.all(waiting)).toEqual(Array(50).fill(1));
    now += 499;
    expect(await cache.get()).toBe(1);
    now += 1;
    const next = cache.get();
    release();
    expect(await next).toBe(2);
    expect(reads).toBe(2);
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const cache = new TtlCache(
      async () => {
        if (fail) throw new Error('redis down');
        return 'ok';
      },
      500,
      clock,
    );
    await expect(cache.get()).rejects.toThrow('redis down');
    fail = false;
    expect(await cache.get()).toBe('ok');
  });
});
