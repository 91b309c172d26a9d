import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Counter } from 'prom-client';
import { ENV, parseDuration, type Env, type StoredConfig } from '@libs/config';
import {
  advanceActionCursor,
  channelPolicy,
  dispatchNotices,
  pruneIncidents,
  ruleDisabledNotice,
  ruleNotice,
  settleReached,
  stepIncidents,
  unseenActionChanges,
  type ActionChange,
  type ActionCursor,
  type ChannelBudget,
  type ChannelPolicy,
  type HealthEvent,
  type IncidentBook,
  type KnownEndpoints,
  type Notice,
  type NotifyInput,
  type NotifySettings,
  type Route,
  type RuleOverrun,
} from '@libs/domain';
import {
  bullPrefix,
  createBullConnection,
  QUEUES,
  queueNotifications,
  type NotificationJob,
} from '@libs/queue';
import { ConfigFollower, MetricsService, REDIS, redisKey } from '@libs/runtime';
import { ControllerLease } from '../controller-lease';
import { endpointInfos } from '../health/endpoint-infos';
import { HealthService } from '../health/health.service';
import { every } from '../timers';
import { NotificationStore, type ActionPage, type SweepPage } from './notification-store';

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
export class NotifierService
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(NotifierService.name);
  private readonly created: Counter<'channel' | 'event' | 'state'>;
  private readonly dropped: Counter;
  private connection?: Redis;
  private queue?: Queue<NotificationJob>;
  private timers: NodeJS.Timeout[] = [];
  private routing: Routing | null = null;
  private leading = false;
  /** The lease's fencing token when this controller last took over: a new one means take over again. */
  private leadingToken: number | null = null;
  /** The tick in progress, if any: ticks never overlap, and shutdown waits for it. */
  private running?: Promise<void>;
  private book: IncidentBook = { incidents: {} };
  private savedBook = '';
  private cursor: ActionCursor = { at: 0, seen: new Map() };
  private savedCursor = '';
  /** Where the next sweep reads on (undefined: from the oldest). */
  private sweepAfter?: SweepPage;
  private events: HealthEvent[] = [];
  /** Notices from the rules: a notify action's (to the channels it names) or a rule disabled (routed). */
  private ruleNotices: Array<{ notice: Notice; channels?: readonly string[] }> = [];
  /**
   * Each channel's rate-limit memory (on this leader; a new one starts afresh, which resolves do not
   * mind: where they go is in the book).
   */
  private budgets = new Map<string, ChannelBudget>();

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly store: NotificationStore,
    metrics: MetricsService,
    private readonly health: HealthService,
    private readonly lease: ControllerLease,
    private readonly follower: ConfigFollower,
  ) {
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
  }

  /** Follows the config and takes the events of each evaluation. */
  onModuleInit(): void {
    this.follower.onConfig((config) => this.setConfig(config));
    this.health.onEvaluated((_snapshot, _now, events) => {
      // Only hand the events over: the notifier works on its own timer.
      for (const event of events) this.events.push(event);
      this.boundEvents();
      return Promise.resolve();
    });
  }

  /** A rule's notify action: sent to the channels the rule names (not routed), once per firing. */
  notifyRule(input: Parameters<typeof ruleNotice>[0], channels: readonly string[]): void {
    this.ruleNotices.push({ notice: ruleNotice(input), channels });
  }

  /** A rule disabled for overrunning its evaluation budget: routed like any other event. */
  notifyRuleDisabled(overrun: RuleOverrun): void {
    this.ruleNotices.push({ notice: ruleDisabledNotice(overrun) });
  }

  onApplicationBootstrap(): void {
    this.connection = createBullConnection(this.env, 'notifier');
    this.queue = new Queue<NotificationJob>(QUEUES.notifications, {
      connection: this.connection,
      prefix: bullPrefix(this.env),
    });
    const warn = (message: string) => this.logger.warn(message);
    every(this.timers, TICK_MS, () => this.tick(), warn);
    every(this.timers, SWEEP_MS, () => this.sweep(), warn);
    every(this.timers, RETENTION_MS, () => this.retention(), warn);
  }

  /**
   * Before any shutdown hook (ControllerLease's releases the lease in its own): a tick cut short after
   * recording notices but before saving the incidents, or one whose save comes after the lease is
   * released (and so is refused), would make the next leader send the same trigger again, or lose
   * where it went.
   */
  async beforeApplicationShutdown(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.running?.catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
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
          channelPolicy(c.type, { max: c.rateLimit.max, perMs: parseDuration(c.rateLimit.per) }),
        ]),
      ),
      known: new Map(endpointInfos(config).map((e) => [e.id, { service: e.service, idc: e.idc }])),
    };
  }

  private async tick(): Promise<void> {
    if (this.running || !this.routing) return;
    const token = this.lease.fencingToken;
    if (token === null) {
      this.leading = false;
      this.events = [];
      this.ruleNotices = [];
      return;
    }
    const routing = this.routing;
    this.running = (async () => {
      // A new token is a new leadership, even with no tick in between that saw the lease lost: another
      // controller may have led meanwhile, so its book and cursor are read again.
      if (!this.leading || token !== this.leadingToken) await this.takeOver(token);
      this.leading = true;
      await this.process(routing, Date.now(), token);
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  /** A new leader goes on from the last one's incidents and action cursor (Redis). */
  private async takeOver(token: number): Promise<void> {
    const [book, cursor] = await this.redis.mget(this.key('incidents'), this.key('actions-cursor'));
    this.book = book ? (JSON.parse(book) as IncidentBook) : { incidents: {} };
    this.savedBook = book ?? '';
    // First leader ever: the past is not news.
    this.cursor = { at: cursor ? Number(cursor) : Date.now(), seen: new Map() };
    this.savedCursor = cursor ?? '';
    this.leadingToken = token;
  }

  /** Keeps at most MAX_BUFFERED events waiting, dropping (and counting) the oldest. */
  private boundEvents(): void {
    if (this.events.length > MAX_BUFFERED)
      this.dropped.inc(this.events.splice(0, this.events.length - MAX_BUFFERED).length);
  }

  /**
   * One step: prune what the config dropped, step the incidents, dispatch, record, and settle where
   * the resolves go from what was recorded. What it takes (buffered events, rule notices, action
   * changes) is taken at the start (newer ones wait for the next tick) and let go, and the budgets
   * and the book kept, only once the notices are recorded: after a failure before that (Postgres or
   * Redis down) what it took goes back in front and the next tick tries again, from the same book, so
   * with the same notice ids.
   */
  private async process(routing: Routing, now: number, token: number): Promise<void> {
    const events = this.events;
    const rules = this.ruleNotices;
    this.events = [];
    this.ruleNotices = [];
    let step: Awaited<ReturnType<NotifierService['step']>>;
    try {
      step = await this.step(routing, now, events, rules);
    } catch (err) {
      this.events = [...events, ...this.events];
      this.ruleNotices = [...rules, ...this.ruleNotices];
      this.boundEvents();
      throw err;
    }

    // Recorded: the tick is done. A failure from here on must not make the next tick dispatch it
    // again (its tokens would be spent twice): a lost job is queued by the sweep, and what is not
    // saved yet is saved by the next tick.
    this.budgets = step.budgets;
    this.book = step.book;
    this.cursor = advanceActionCursor(this.cursor, step.read);
    for (const d of step.dispatched)
      this.created.inc({ channel: d.channel, event: d.notice.event, state: d.outcome.state });
    await this.enqueue(step.pending);
    await this.save(token);
  }

  /** The step up to recording; changes nothing of this service's state. */
  private async step(
    routing: Routing,
    now: number,
    events: readonly HealthEvent[],
    rules: ReadonlyArray<{ notice: Notice; channels?: readonly string[] }>,
  ) {
    const actions = await this.actionChanges();
    const inputs: NotifyInput[] = [
      ...events.map((event): NotifyInput => ({ kind: 'health', event })),
      ...actions.changes.map((action): NotifyInput => ({ kind: 'action', action })),
    ];
    const pruned = pruneIncidents(this.book, routing.known, now);
    const stepped = stepIncidents(pruned.book, inputs, now, routing.settings);
    const notices: Array<{ notice: Notice; channels?: readonly string[] }> = [
      ...[...pruned.notices, ...stepped.notices].map((notice) => ({ notice })),
      ...rules,
    ];
    const silences = notices.length ? await this.store.silences(now) : [];
    const sent = dispatchNotices(notices, routing, silences, this.budgets, now);
    const recorded = await this.store.record(sent.dispatched);
    // Where resolves go is what was recorded: a replay may decide otherwise than the first recording.
    const settled = settleReached(stepped.book, sent.dispatched, recorded.stored);
    const owed = await this.store.record(settled.resolves);
    return {
      book: settled.book,
      budgets: sent.budgets,
      read: actions.read,
      dispatched: [...sent.dispatched, ...settled.resolves],
      pending: [...recorded.pending, ...owed.pending],
    };
  }

  /** Saves the book and the action cursor for the next leader, when they changed, fenced by `token`. */
  private async save(token: number): Promise<void> {
    const book = JSON.stringify(this.book);
    const cursor = String(this.cursor.at);
    if (book === this.savedBook && cursor === this.savedCursor) return;
    const saved = await this.lease.setIfLeader(
      { [this.key('incidents')]: book, [this.key('actions-cursor')]: cursor },
      token,
    );
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
   * Action changes since the cursor not seen yet (each (action, state) once), reading on past full
   * pages of seen changes (unseenActionChanges), and every change read, to advance the cursor past
   * once recorded.
   */
  private async actionChanges(): Promise<{ changes: ActionChange[]; read: ActionChange[] }> {
    const read: ActionChange[] = [];
    let after: ActionPage | undefined;
    for (;;) {
      const page = await this.store.actionChanges(this.cursor.at, after);
      read.push(...page.changes);
      const { changes, readOn } = unseenActionChanges(this.cursor, page.changes, page.next !== undefined);
      after = page.next;
      if (!readOn) return { changes, read };
    }
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
    if (!this.lease.isLeader) return;
    // One page per sweep, on from where the last ended, so every stuck row is reached in turn.
    const page = await this.store.stuckPending(new Date(Date.now() - STUCK_MS), this.sweepAfter);
    this.sweepAfter = page.next;
    await this.enqueue(page.ids);
  }

  private async retention(): Promise<void> {
    if (!this.lease.isLeader) return;
    const before = new Date(Date.now() - this.env.VIGIL_EVENT_RETENTION_DAYS * 86_400_000);
    const deleted = await this.store.applyRetention(before);
    if (deleted) this.logger.log(`retention removed ${deleted} old notifications`);
  }

  private key(name: string): string {
    return redisKey(this.env, 'notify', name);
  }
}
