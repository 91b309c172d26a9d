import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { ENV, parseDuration, type Env, type StoredConfig } from '@libs/config';
import {
  dispatchNotices,
  pruneIncidents,
  ruleNotice,
  stepIncidents,
  type ActionChange,
  type ChannelBudget,
  type ChannelPolicy,
  type HealthEvent,
  type IncidentBook,
  type KnownEndpoints,
  type Notice,
  type NotifyInput,
  type NotifySettings,
  type Route,
} from '@libs/domain';
import {
  bullPrefix,
  createBullConnection,
  QUEUES,
  queueNotifications,
  type NotificationJob,
} from '@libs/queue';
import { ConfigFollower, MetricsService, REDIS, redisKey } from '@libs/runtime';
import { endpointInfos } from '../health/endpoint-infos';
import { HealthService } from '../health/health.service';
import { NotificationStore, type ActionPage, type Outgoing } from './notification-store';

const TICK_MS = 1000;
/** Pending notifications older than this without a job (a failed enqueue) are queued again. */
const SWEEP_MS = 30_000;
const STUCK_MS = 120_000;
const RETENTION_MS = 3_600_000;
/** At most this many health events wait for the next tick; older ones are dropped (and counted). */
const MAX_BUFFERED = 50_000;

interface Routing {
  settings: NotifySettings;
  routes: Route[];
  /** The configured channels: rate limit, and whether reminders go there. */
  channels: Map<string, ChannelPolicy>;
  /** Endpoints of the config: an incident about what it no longer has is resolved, not reminded forever. */
  known: KnownEndpoints;
}

/**
 * Turns what the controller sees into notifications, on the leader: health events (from each
 * evaluation) and action changes (read from the actions table, whoever made them) go through the
 * incident book (storm control: grouping, blips, one notice per IDC), then routes, silences and rate
 * limits per channel. Each message is recorded in `notifications` and queued for delivery. The health
 * loop only hands over its events: nothing here waits on a channel, so delivery never slows
 * detection or actions.
 */
@Injectable()
export class NotifierService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NotifierService.name);
  private readonly store: NotificationStore;
  private readonly created: Counter<'channel' | 'event' | 'state'>;
  private readonly dropped: Counter;
  private connection?: Redis;
  private queue?: Queue<NotificationJob>;
  private timers: NodeJS.Timeout[] = [];
  private routing: Routing | null = null;
  private leading = false;
  /** The tick in progress, if any: ticks never overlap, and shutdown waits for it. */
  private running?: Promise<void>;
  private book: IncidentBook = { incidents: {} };
  private savedBook = '';
  private cursor = 0;
  private savedCursor = '';
  /** `<action id>:<state>` already reported, with the change time (forgotten after the overlap window). */
  private seen = new Map<string, number>();
  private events: HealthEvent[] = [];
  private ruleNotices: Array<{ notice: Notice; channels: readonly string[] }> = [];
  /**
   * Each channel's rate-limit memory (on this leader; a new one starts afresh, which resolves do not
   * mind: where they go is in the book).
   */
  private budgets = new Map<string, ChannelBudget>();

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectDataSource() db: DataSource,
    metrics: MetricsService,
    private readonly health: HealthService,
    follower: ConfigFollower,
  ) {
    this.store = new NotificationStore(db);
    this.created = new Counter({
      name: 'vigil_notifications_total',
      help: 'Notifications recorded, by channel, event and state (pending, silenced, suppressed)',
      labelNames: ['channel', 'event', 'state'],
      registers: [metrics.registry],
    });
    this.dropped = new Counter({
      name: 'vigil_notify_events_dropped_total',
      help: 'Health events dropped because the notifier fell behind',
      registers: [metrics.registry],
    });
    follower.onConfig((config) => this.setConfig(config));
    health.onEvaluated((_snapshot, _now, events) => {
      // Only hand the events over: the notifier works on its own timer.
      for (const event of events) this.events.push(event);
      if (this.events.length > MAX_BUFFERED)
        this.dropped.inc(this.events.splice(0, this.events.length - MAX_BUFFERED).length);
      return Promise.resolve();
    });
  }

  /** A rule's notify action: sent to the channels the rule names (not routed), once per firing. */
  notifyRule(input: Parameters<typeof ruleNotice>[0], channels: readonly string[]): void {
    this.ruleNotices.push({ notice: ruleNotice(input), channels });
  }

  onApplicationBootstrap(): void {
    this.connection = createBullConnection(this.env, 'notifier');
    this.queue = new Queue<NotificationJob>(QUEUES.notifications, {
      connection: this.connection,
      prefix: bullPrefix(this.env),
    });
    const every = (ms: number, task: () => Promise<unknown>) =>
      this.timers.push(
        setInterval(() => void task().catch((err: unknown) => this.logger.warn((err as Error).message)), ms),
      );
    every(TICK_MS, () => this.tick());
    every(SWEEP_MS, () => this.sweep());
    every(RETENTION_MS, () => this.retention());
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    // A tick cut short after recording notices but before saving the incidents would make the next
    // leader send the same trigger again.
    await this.running?.catch(() => undefined);
    await this.queue?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  private setConfig(config: StoredConfig): void {
    const { notifications } = config;
    this.routing = {
      settings: {
        groupWaitMs: parseDuration(notifications.groupWait),
        ...(notifications.remindEvery ? { remindEveryMs: parseDuration(notifications.remindEvery) } : {}),
      },
      routes: notifications.routes,
      channels: new Map(
        config.channels.map((c) => [
          c.name,
          {
            limit: { max: c.rateLimit.max, perMs: parseDuration(c.rateLimit.per) },
            // PagerDuty pages again by its own escalation policy; a reminder there would be a new
            // trigger, reopening an alert a human resolved.
            reminders: c.type !== 'pagerduty',
          },
        ]),
      ),
      known: new Map(endpointInfos(config).map((e) => [e.id, { service: e.service, idc: e.idc }])),
    };
  }

  private async tick(): Promise<void> {
    if (this.running || !this.routing) return;
    if (!this.health.isLeader) {
      this.leading = false;
      this.events = [];
      this.ruleNotices = [];
      return;
    }
    const routing = this.routing;
    this.running = (async () => {
      if (!this.leading) await this.takeOver();
      this.leading = true;
      await this.process(routing, Date.now());
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  /** A new leader goes on from the last one's incidents and action cursor (Redis). */
  private async takeOver(): Promise<void> {
    const [book, cursor] = await this.redis.mget(this.key('incidents'), this.key('actions-cursor'));
    this.book = book ? (JSON.parse(book) as IncidentBook) : { incidents: {} };
    this.savedBook = book ?? '';
    this.cursor = cursor ? Number(cursor) : Date.now(); // first leader ever: the past is not news
    this.savedCursor = cursor ?? '';
    this.seen.clear();
  }

  /**
   * One step: prune what the config dropped, step the incidents, dispatch. What it takes (buffered
   * events, rule notices, action changes) is let go, and the budgets and the book kept, only once the
   * notices are recorded: after a failure before that (Postgres or Redis down) the next tick tries
   * them again, from the same book, so with the same notice ids.
   */
  private async process(routing: Routing, now: number): Promise<void> {
    const taken = { events: this.events.length, rules: this.ruleNotices.length };
    const actions = await this.actionChanges();
    const inputs: NotifyInput[] = [
      ...this.events.slice(0, taken.events).map((event): NotifyInput => ({ kind: 'health', event })),
      ...actions.changes.map((action): NotifyInput => ({ kind: 'action', action })),
    ];
    const pruned = pruneIncidents(this.book, routing.known, now);
    const step = stepIncidents(pruned.book, inputs, now, routing.settings);
    const notices: Array<{ notice: Notice; channels?: readonly string[] }> = [
      ...[...pruned.notices, ...step.notices].map((notice) => ({ notice })),
      ...this.ruleNotices.slice(0, taken.rules),
    ];
    const silences = notices.length ? await this.store.silences(now) : [];
    const sent = dispatchNotices(step.book, notices, routing, silences, this.budgets, now);
    const outgoing: Outgoing[] = sent.dispatched.map(({ notice, channel, outcome }) => ({
      notice,
      channel,
      ...outcome,
    }));
    const pending = await this.store.record(outgoing);

    // Recorded: the tick is done. A failure from here on must not make the next tick dispatch it
    // again (its tokens would be spent twice): a lost job is queued by the sweep, and what is not
    // saved yet is saved by the next tick.
    this.budgets = sent.budgets;
    this.book = sent.book;
    this.events.splice(0, taken.events);
    this.ruleNotices.splice(0, taken.rules);
    actions.commit();
    for (const o of outgoing) this.created.inc({ channel: o.channel, event: o.notice.event, state: o.state });
    await this.enqueue(pending);
    await this.save();
  }

  /** Saves the book and the action cursor for the next leader, when they changed. */
  private async save(): Promise<void> {
    const book = JSON.stringify(this.book);
    const cursor = String(this.cursor);
    if (book === this.savedBook && cursor === this.savedCursor) return;
    const saved = await this.health.setIfLeader({
      [this.key('incidents')]: book,
      [this.key('actions-cursor')]: cursor,
    });
    if (!saved) {
      // The lease went to another controller: its book wins; this one starts over if it leads again.
      this.leading = false;
      this.logger.warn('not the leader any more: the incident book was not saved');
      return;
    }
    this.savedBook = book;
    this.savedCursor = cursor;
  }

  /**
   * Action changes since the cursor not seen yet (each (action, state) once). Reads on past full
   * pages of seen changes, so that 500 or more of them inside the overlap window never stop the
   * cursor. `commit` marks what was read seen and moves the cursor past it, once it is recorded.
   */
  private async actionChanges(): Promise<{ changes: ActionChange[]; commit: () => void }> {
    const read: ActionChange[] = [];
    const unseen = (c: ActionChange) => !this.seen.has(`${c.id}:${c.state}`);
    let changes: ActionChange[];
    let after: ActionPage | undefined;
    do {
      const page = await this.store.actionChanges(this.cursor, after);
      read.push(...page.changes);
      changes = page.changes.filter(unseen);
      after = page.next;
    } while (changes.length === 0 && after);
    const commit = () => {
      for (const change of read) {
        const key = `${change.id}:${change.state}`;
        this.seen.set(key, Math.max(this.seen.get(key) ?? 0, change.at));
        this.cursor = Math.max(this.cursor, change.at);
      }
      for (const [key, at] of this.seen) if (at < this.cursor - 60_000) this.seen.delete(key);
    };
    return { changes, commit };
  }

  private async enqueue(ids: readonly string[]): Promise<void> {
    if (!ids.length || !this.queue) return;
    await queueNotifications(this.queue, this.env, ids);
  }

  /**
   * Re-queues pending notifications whose job was lost or has ended (Redis failed between insert and
   * enqueue, a worker was killed mid-send, an update failed after a send); a live job is left alone.
   */
  private async sweep(): Promise<void> {
    if (!this.health.isLeader) return;
    const stuck = (await this.store.stuckPending(new Date(Date.now() - STUCK_MS))).map((r) => r.id);
    await this.enqueue(stuck);
  }

  private async retention(): Promise<void> {
    if (!this.health.isLeader) return;
    const before = new Date(Date.now() - this.env.VIGIL_EVENT_RETENTION_DAYS * 86_400_000);
    const deleted = await this.store.applyRetention(before);
    if (deleted) this.logger.log(`retention removed ${deleted} old notifications`);
  }

  private key(name: string): string {
    return redisKey(this.env, 'notify', name);
  }
}
