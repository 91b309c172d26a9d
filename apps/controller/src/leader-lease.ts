import type Redis from 'ioredis';

// Renew only if we still hold it; release only our own lease.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Writes the other keys only if we still hold the lease (KEYS[1]) and its latest fencing token
// (KEYS[2]) is ours, in one atomic step: a lease lost and taken again is a new leadership.
const SET_IF_HOLDER = `if redis.call('get', KEYS[1]) ~= ARGV[1] or redis.call('get', KEYS[2]) ~= ARGV[2] then return 0 end
for i = 3, #KEYS do redis.call('set', KEYS[i], ARGV[i]) end
return 1`;
const HOLDS = `if redis.call('get', KEYS[1]) == ARGV[1] and redis.call('get', KEYS[2]) == ARGV[2] then return 1 else return 0 end`;

export interface LeaderLeaseOptions {
  redis: Redis;
  /** The lease key, e.g. `<prefix>:leader:controller`. */
  key: string;
  holder: string;
  ttlMs: number;
  /** Called with the fencing token on gaining the lease, and with null on losing it. */
  onChange: (token: number | null) => Promise<void> | void;
}

/**
 * Exactly one controller leads at a time: a Redis key with a TTL, renewed at a third of it. Each
 * new leadership gets a fencing token (a counter only ever increasing), so writes from a leader
 * that lost the lease without knowing can be told apart. Another replica takes over within the TTL
 * when the leader dies.
 */
export class LeaderLease {
  private timer?: NodeJS.Timeout;
  private token: number | null = null;
  private busy: Promise<void> = Promise.resolve();

  constructor(private readonly opts: LeaderLeaseOptions) {}

  get isLeader(): boolean {
    return this.token !== null;
  }

  get fencingToken(): number | null {
    return this.token;
  }

  /**
   * Sets `entries` (key → value) only while this holder has the lease under fencing token `token`
   * (by default its own), checked by Redis in the same step: a leader that lost the lease without
   * knowing yet (a long pause, a slow Redis) cannot overwrite what the new leader saved, nor can state
   * from before a lease lost and regained (the token moved on). False, and nothing written, otherwise.
   */
  async setIfLeader(entries: Readonly<Record<string, string>>, token = this.token): Promise<boolean> {
    if (this.token === null || token === null) return false;
    const keys = Object.keys(entries);
    const written = await this.opts.redis.eval(
      SET_IF_HOLDER,
      keys.length + 2,
      this.opts.key,
      `${this.opts.key}:token`,
      ...keys,
      this.opts.holder,
      String(token),
      ...keys.map((k) => entries[k]),
    );
    return written === 1;
  }

  /**
   * Whether this holder has the lease under fencing token `token` now, asked of Redis (not the local
   * flag, which a paused process still believes): the check right before a call to the outside world.
   * False when Redis cannot say.
   */
  async holds(token: number): Promise<boolean> {
    const { redis, key, holder } = this.opts;
    const held = await redis.eval(HOLDS, 2, key, `${key}:token`, holder, String(token)).catch(() => 0);
    return held === 1;
  }

  start(): Promise<void> {
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.opts.ttlMs / 3)));
    return this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
    if (this.token !== null) {
      await this.opts.redis.eval(RELEASE, 1, this.opts.key, this.opts.holder).catch(() => 0);
      await this.change(null);
    }
  }

  /** One renewal or acquisition attempt; calls never overlap. */
  tick(): Promise<void> {
    this.busy = this.busy.then(() => this.attempt()).catch(() => this.change(null));
    return this.busy;
  }

  private async attempt(): Promise<void> {
    const { redis, key, holder, ttlMs } = this.opts;
    if (this.token !== null) {
      const renewed = await redis.eval(RENEW, 1, key, holder, String(ttlMs));
      if (renewed !== 1) await this.change(null);
      return;
    }
    const acquired = await redis.set(key, holder, 'PX', ttlMs, 'NX');
    if (acquired === 'OK') await this.change(await redis.incr(`${key}:token`));
  }

  private async change(token: number | null): Promise<void> {
    if (token === this.token) return;
    this.token = token;
    await this.opts.onChange(token);
  }
}
