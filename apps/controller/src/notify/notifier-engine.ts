import { parseDuration, type StoredConfig } from '@libs/config';
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
  type Dispatched,
  type HealthEvent,
  type IncidentBook,
  type KnownEndpoints,
  type MaintenanceMute,
  type Notice,
  type NotifyInput,
  type NotifySettings,
  type Route,
  type RuleOverrun,
  type TrafficEvent,
} from '@libs/domain';
import { endpointInfos } from '../health/endpoint-infos';
import type { ActionPage, NotificationStore, SweepPage } from './notification-store';

/** Pending notifications older than this without a job (a failed enqueue) are queued again. */
const STUCK_MS = 120_000;
/** At most this many health and traffic events wait for the next tick; older ones are dropped (and counted). */
const MAX_BUFFERED = 50_000;

interface Routing {
  settings: NotifySettings;
  routes: Route[];
  /** The configured channels: rate limit, and whether reminders go there. */
  channels: Map<string, ChannelPolicy>;
  /** Endpoints of the config: an incident about what it no longer has is resolved, not reminded forever. */
  known: KnownEndpoints;
}

/** The controller lease as the notifier needs it (ControllerLease). */
export interface NotifierLease {
  readonly fencingToken: number | null;
  readonly isLeader: boolean;
  setIfLeader(entries: Readonly<Record<string, string>>, token?: number): Promise<boolean>;
}

export interface NotifierEngineDeps {
  store: Pick<NotificationStore, 'record' | 'silences' | 'actionChanges' | 'stuckPending' | 'applyRetention'>;
  lease: NotifierLease;
  /** Reads Redis keys: the last leader's incident book and action cursor. */
  mget: (...keys: string[]) => Promise<Array<string | null>>;
  /** The Redis key of the notifier's `name` (`<prefix>:notify:<name>`). */
  key: (name: string) => string;
  /** Queues the notifications for delivery (never called with none). */
  enqueue: (ids: readonly string[]) => Promise<void>;
  /** Counts a notification recorded. */
  created: (dispatched: Dispatched) => void;
  /** Counts health events dropped because the notifier fell behind. */
  dropped: (count: number) => void;
  /** How long notifications are kept. */
  retentionDays: number;
  log: (message: string) => void;
  warn: (message: string) => void;
  /** The clock (tests). */
  now?: () => number;
  /** The maintenance windows silencing notices at `now` (none when left out). */
  maintenance?: (now: number) => Promise<MaintenanceMute>;
}

/**
 * The notifier's decisions and state, without Nest, queues or timers (NotifierService runs it): health
 * events and rule notices handed over, action changes read, the incident book stepped, notices
 * dispatched through routes, silences and rate limits, recorded, and the book and action cursor saved
 * for the next leader under the fencing token. Acts only while the lease says this controller leads.
 */
export class NotifierEngine {
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
  /** Health and traffic events, in the order they came. */
  private events: NotifyInput[] = [];
  /** Notices from the rules: a notify action's (to the channels it names) or a rule disabled (routed). */
  private ruleNotices: Array<{ notice: Notice; channels?: readonly string[] }> = [];
  /**
   * Each channel's rate-limit memory (on this leader; a new one starts afresh, which resolves do not
   * mind: where they go is in the book).
   */
  private budgets = new Map<string, ChannelBudget>();
  private readonly now: () => number;

  constructor(private readonly deps: NotifierEngineDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The health events of an evaluation, for the next tick (only handed over: nothing waits here). */
  takeEvents(events: readonly HealthEvent[]): void {
    for (const event of events) this.events.push({ kind: 'health', event });
    this.boundEvents();
  }

  /**
   * A traffic manager drifting from what Vigil applied, or agreeing again: for the next tick, where it
   * opens or resolves the incident `traffic/<service>` like a health event does its own.
   */
  notifyDrift(event: TrafficEvent): void {
    this.events.push({ kind: 'traffic', event });
    this.boundEvents();
  }

  /** A rule's notify action: sent to the channels the rule names (not routed), once per firing. */
  notifyRule(input: Parameters<typeof ruleNotice>[0], channels: readonly string[]): void {
    this.ruleNotices.push({ notice: ruleNotice(input), channels });
  }

  /** A rule disabled for overrunning its evaluation budget: routed like any other event. */
  notifyRuleDisabled(overrun: RuleOverrun): void {
    this.ruleNotices.push({ notice: ruleDisabledNotice(overrun) });
  }

  /** The tick in progress, if any, settled (shutdown waits for it). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  setConfig(config: StoredConfig): void {
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

  async tick(): Promise<void> {
    if (this.running || !this.routing) return;
    const token = this.deps.lease.fencingToken;
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
      await this.process(routing, this.now(), token);
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  /**
   * Re-queues pending notifications whose job was lost or has ended (Redis failed between insert and
   * enqueue, a worker was killed mid-send, an update failed after a send); a live job is left alone.
   */
  async sweep(): Promise<void> {
    if (!this.deps.lease.isLeader) return;
    // One page per sweep, on from where the last ended, so every stuck row is reached in turn.
    const page = await this.deps.store.stuckPending(new Date(this.now() - STUCK_MS), this.sweepAfter);
    this.sweepAfter = page.next;
    await this.enqueue(page.ids);
  }

  async retention(): Promise<void> {
    if (!this.deps.lease.isLeader) return;
    const before = new Date(this.now() - this.deps.retentionDays * 86_400_000);
    const deleted = await this.deps.store.applyRetention(before);
    if (deleted) this.deps.log(`retention removed ${deleted} old notifications`);
  }

  /** A new leader goes on from the last one's incidents and action cursor (Redis). */
  private async takeOver(token: number): Promise<void> {
    const [book, cursor] = await this.deps.mget(this.deps.key('incidents'), this.deps.key('actions-cursor'));
    this.book = book ? (JSON.parse(book) as IncidentBook) : { incidents: {} };
    this.savedBook = book ?? '';
    // First leader ever: the past is not news.
    this.cursor = { at: cursor ? Number(cursor) : this.now(), seen: new Map() };
    this.savedCursor = cursor ?? '';
    this.leadingToken = token;
  }

  /** Keeps at most MAX_BUFFERED events waiting, dropping (and counting) the oldest. */
  private boundEvents(): void {
    if (this.events.length > MAX_BUFFERED)
      this.deps.dropped(this.events.splice(0, this.events.length - MAX_BUFFERED).length);
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
    let step: Awaited<ReturnType<NotifierEngine['step']>>;
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
    for (const d of step.dispatched) this.deps.created(d);
    await this.enqueue(step.pending);
    await this.save(token);
  }

  /** The step up to recording; changes nothing of this engine's state. */
  private async step(
    routing: Routing,
    now: number,
    events: readonly NotifyInput[],
    rules: ReadonlyArray<{ notice: Notice; channels?: readonly string[] }>,
  ) {
    const { store } = this.deps;
    const actions = await this.actionChanges();
    const inputs: NotifyInput[] = [
      ...events,
      ...actions.changes.map((action): NotifyInput => ({ kind: 'action', action })),
    ];
    const pruned = pruneIncidents(this.book, routing.known, now);
    const stepped = stepIncidents(pruned.book, inputs, now, routing.settings);
    const notices: Array<{ notice: Notice; channels?: readonly string[] }> = [
      ...[...pruned.notices, ...stepped.notices].map((notice) => ({ notice })),
      ...rules,
    ];
    const silences = notices.length ? await store.silences(now) : [];
    const mute = notices.length ? await this.deps.maintenance?.(now) : undefined;
    const sent = dispatchNotices(notices, routing, silences, this.budgets, now, mute);
    const recorded = await store.record(sent.dispatched);
    // Where resolves go is what was recorded: a replay may decide otherwise than the first recording.
    const settled = settleReached(stepped.book, sent.dispatched, recorded.stored);
    const owed = await store.record(settled.resolves);
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
    const saved = await this.deps.lease.setIfLeader(
      { [this.deps.key('incidents')]: book, [this.deps.key('actions-cursor')]: cursor },
      token,
    );
    if (!saved) {
      // The lease went to another controller: its book wins; this one starts over if it leads again.
      this.leading = false;
      this.deps.warn('not the leader any more: the incident book was not saved');
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
      const page = await this.deps.store.actionChanges(this.cursor.at, after);
      read.push(...page.changes);
      const { changes, readOn } = unseenActionChanges(this.cursor, page.changes, page.next !== undefined);
      after = page.next;
      if (!readOn) return { changes, read };
    }
  }

  private async enqueue(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.deps.enqueue(ids);
  }
}
