import type Redis from 'ioredis';
import { withTimeout } from './timers';

// Takes the lease if it is free or already ours, with a new fencing token: a new leadership. Returns
// {token} when taken, {0, holder} when another holds it. One script, so an attempt that timed out
// here and ran in Redis later (queued while disconnected) leaves a lease the next attempt takes again,
// never a lease without a token.
const ACQUIRE = `local holder = redis.call('get', KEYS[1])
if holder and holder ~= ARGV[1] then return {0, holder} end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {redis.call('incr', KEYS[2])}`;
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
  /** Bound on each Redis call of an attempt (default: a third of the TTL). */
  timeoutMs?: number;
  /** Bound on each `onChange` (default: the TTL). */
  changeTimeoutMs?: number;
  /** Told of an attempt or a change that failed or overran its bound; the lease goes on regardless. */
  onError?: (err: Error) => void;
  /** The clock (tests). */
  now?: () => number;
}

/** Who holds the lease, as this replica last saw it in Redis. */
export interface LeaderSighting {
  /** The holder's id last seen (null: none seen yet). */
  holder: string | null;
  /** When a holder was last seen (this replica leading, or another's lease read in Redis). */
  at: number;
}

/**
 * Exactly one controller leads at a time: a Redis key with a TTL, renewed at a third of it. Each
 * new leadership gets a fencing token (a counter only ever increasing), so writes from a leader
 * that lost the lease without knowing can be told apart. Another replica takes over within the TTL
 * when the leader dies.
 *
 * Nothing here waits without a bound: each Redis call is timed out (a command on a dead connection
 * waits for the reconnection), an attempt still in flight makes the next tick a no-op instead of a
 * queue, and `onChange` runs beside the attempts, never in front of them: a step-down that hangs
 * cannot keep the lease from being renewed or taken again.
 */
export class LeaderLease {
  private timer?: NodeJS.Timeout;
  private token: number | null = null;
  private attempting?: Promise<void>;
  /** The latest `onChange`, bounded; never rejects. */
  private changing: Promise<void> = Promise.resolve();
  /** A take-over failed: the next attempt releases the lease instead of taking it again. */
  private yielding = false;
  private seen: LeaderSighting;
  private readonly timeoutMs: number;
  private readonly changeTimeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: LeaderLeaseOptions) {
    this.timeoutMs = opts.timeoutMs ?? Math.max(100, Math.floor(opts.ttlMs / 3));
    this.changeTimeoutMs = opts.changeTimeoutMs ?? opts.ttlMs;
    this.now = opts.now ?? Date.now;
    this.seen = { holder: null, at: this.now() };
  }

  get isLeader(): boolean {
    return this.token !== null;
  }

  get fencingToken(): number | null {
    return this.token;
  }

  /** The holder last seen, and when a holder was last seen at all (the start counts as seen). */
  get sighting(): LeaderSighting {
    return this.seen;
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
    const held = await this.bounded(
      redis.eval(HOLDS, 2, key, `${key}:token`, holder, String(token)),
      'check',
    ).catch(() => 0);
    return held === 1;
  }

  /** Makes a first attempt and waits for what it changed, then renews or tries again at a third of the TTL. */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.opts.ttlMs / 3)));
    await this.tick();
    await this.changing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.attempting;
    if (this.token !== null) {
      await this.bounded(this.opts.redis.eval(RELEASE, 1, this.opts.key, this.opts.holder), 'release').catch(
        () => 0,
      );
      this.change(null);
    }
    await this.changing;
  }

  /** One renewal or acquisition attempt; while one is in flight, another tick joins it instead of queueing. */
  tick(): Promise<void> {
    this.attempting ??= this.attempt()
      .catch((err: Error) => {
        this.report(err);
        this.change(null);
      })
      .finally(() => (this.attempting = undefined));
    return this.attempting;
  }

  private async attempt(): Promise<void> {
    const { redis, key, holder, ttlMs } = this.opts;
    if (this.yielding && this.token === null) {
      this.yielding = false;
      await this.bounded(redis.eval(RELEASE, 1, key, holder), 'release');
      return;
    }
    if (this.token !== null) {
      const renewed = await this.bounded(redis.eval(RENEW, 1, key, holder, String(ttlMs)), 'renewal');
      if (renewed === 1) this.seen = { holder, at: this.now() };
      else this.change(null);
      return;
    }
    const [token, other] = (await this.bounded(
      redis.eval(ACQUIRE, 2, key, `${key}:token`, holder, String(ttlMs)),
      'acquisition',
    )) as [number, string?];
    this.seen = { holder: token > 0 ? holder : other!, at: this.now() };
    if (token > 0) this.change(token);
  }

  /**
   * Records the new state at once and runs `onChange` after the previous one, each bounded: one that
   * overruns is left behind (reported), so the next starts at most `changeTimeoutMs` late. A gain whose
   * `onChange` fails steps down again, and the next attempt frees the lease for any replica.
   */
  private change(token: number | null): void {
    if (token === this.token) return;
    this.token = token;
    this.changing = this.changing
      .then(() =>
        this.bounded(
          Promise.resolve().then(() => this.opts.onChange(token)),
          token === null ? 'step-down' : 'take-over',
          this.changeTimeoutMs,
        ),
      )
      .catch((err: Error) => {
        this.report(err);
        if (token === null || this.token !== token) return;
        this.change(null);
        this.yielding = true;
      });
  }

  private bounded<T>(work: Promise<T>, what: string, ms = this.timeoutMs): Promise<T> {
    return withTimeout(work, ms, `leader lease: ${what}`);
  }

  private report(err: Error): void {
    this.opts.onError?.(err);
  }
}
