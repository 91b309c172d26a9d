import { parseDuration, serviceWeights, type StoredConfig } from '@libs/config';
import {
  applyObservation,
  dampedState,
  normalise,
  endpointScore,
  endpointVerdict,
  idcHealth,
  initialTrack,
  isFlapping,
  recordTransition,
  recentSuccessRatio,
  suspectVantages,
  trackOutages,
  zeroCounts,
  HEALTH_STATES,
  type CheckTrack,
  type HealthEvent,
  type HealthReason,
  type HealthState,
  type IdcHealth,
  type VantageView,
} from '@libs/domain';
import type {
  EndpointHealthDetail,
  EndpointStatus,
  IdcStatus,
  ProbeResult,
  StatusSnapshot,
} from '@libs/queue';
import { endpointInfos } from './endpoint-infos';
import {
  LAST_RESULTS,
  minuteOf,
  newRecord,
  percentile,
  SCORE_MINUTES,
  type EndpointRecord,
  type MinuteStats,
} from './endpoint-record';

/** One endpoint-minute of probes, for the `endpoint_rollups` table. */
export interface RollupRow {
  endpoint: string;
  service: string;
  idc: string;
  minute: number;
  count: number;
  failures: number;
  p50: number;
  p95: number;
  p99: number;
}

interface IdcRecord {
  service: string;
  idc: string;
  state: HealthState;
  reason: HealthReason;
  since: number;
  health: IdcHealth;
  /** Epoch ms it went UNHEALTHY, within policy.failbackBackoff.window, oldest first. */
  outages: number[];
}

const idcKey = (r: EndpointRecord) => `${r.info.service}|${r.info.idc}`;

/** Vantage failure rates are counted over two rotating windows of this length. */
const VANTAGE_WINDOW_MS = 30_000;
const SEVERITY: Record<CheckTrack['state'], number> = { UP: 0, UNKNOWN: 1, DOWN: 2 };

/**
 * The controller leader's health model: turns probe results into per-(check, vantage) hysteresis,
 * per-endpoint verdicts with a vantage quorum and flap damping, per-(service, IDC) states, suspect
 * vantages, scores and per-minute rollups. All decisions are the pure functions of libs/domain; this
 * class only keeps the state they work on. Time is always a parameter.
 */
export class HealthEngine {
  private records = new Map<string, EndpointRecord>();
  /** The records of each (service, IDC), `<service>|<idc>`, in the order of `records`. */
  private byIdc = new Map<string, EndpointRecord[]>();
  /** The (service, IDC)s with a track that changed state since they were last evaluated. */
  private changed = new Set<string>();
  private idcs = new Map<string, IdcRecord>();
  private config: StoredConfig | null = null;
  private version = 0;
  private live = new Set<string>();
  private suspect = new Set<string>();
  private vantageWindow = {
    start: 0,
    current: new Map<string, { failed: number; total: number }>(),
    previous: new Map<string, { failed: number; total: number }>(),
  };
  private rollups: RollupRow[] = [];

  get configVersion(): number {
    return this.version;
  }

  get endpointCount(): number {
    return this.records.size;
  }

  /** Follows a new config: keeps the state of endpoints that remain, starts new ones UNKNOWN. */
  setConfig(config: StoredConfig, version: number, now: number): void {
    const next = new Map<string, EndpointRecord>();
    for (const info of endpointInfos(config)) {
      const existing = this.records.get(info.id);
      if (existing && existing.info.idc === info.idc) {
        existing.info = info;
        next.set(info.id, existing);
      } else {
        next.set(info.id, newRecord(info, now));
      }
    }
    this.records = next;
    this.byIdc = new Map();
    for (const record of next.values()) {
      const key = idcKey(record);
      const list = this.byIdc.get(key) ?? [];
      list.push(record);
      this.byIdc.set(key, list);
    }
    this.config = config;
    this.version = version;
    const keys = new Set(config.services.flatMap((s) => s.endpoints.map((e) => `${s.name}|${e.idc}`)));
    for (const key of this.idcs.keys()) if (!keys.has(key)) this.idcs.delete(key);
  }

  /** The vantages with a live prober (from their heartbeats); only they count in a quorum. */
  setLiveVantages(vantages: Iterable<string>): void {
    this.live = new Set(vantages);
  }

  /**
   * Takes a batch of results; returns how many belonged to the current config. The (service, IDC)s
   * where a track changed state wait for `evaluate(now, takeChanged())` (or the next full one).
   */
  ingest(results: readonly ProbeResult[], now: number): number {
    let taken = 0;
    this.rotateVantageWindow(now);
    for (const r of results) {
      const record = this.records.get(r.endpoint);
      const checkName = r.check.slice(r.check.indexOf('/') + 1);
      const check = record?.info.checks.get(checkName);
      if (!record || !check) continue; // from an older config version
      taken++;
      const key = `${r.vantage}|${checkName}`;
      const before = record.tracks.get(key) ?? { ...initialTrack(), vantage: r.vantage, check: checkName };
      const after = applyObservation(
        before,
        {
          at: r.startedAt,
          ok: r.ok,
          latencyMs: r.latencyMs,
          errorKind: r.errorKind,
          statusCode: r.statusCode,
        },
        check.thresholds,
      );
      record.tracks.set(key, { ...after, vantage: r.vantage, check: checkName });
      if (after.state !== before.state) this.changed.add(idcKey(record));
      if (!r.ok && record.firstFailureAt === undefined) record.firstFailureAt = r.startedAt;
      this.countMinute(record, r);
      record.last.push({
        vantage: r.vantage,
        check: checkName,
        at: r.startedAt,
        ok: r.ok,
        latencyMs: r.latencyMs,
        ...(r.errorKind ? { errorKind: r.errorKind } : {}),
        ...(r.statusCode ? { statusCode: r.statusCode } : {}),
        ...(r.detail ? { detail: r.detail } : {}),
      });
      if (record.last.length > LAST_RESULTS) record.last.shift();
      record.dirty = true;
      const stats = this.vantageWindow.current.get(r.vantage) ?? { failed: 0, total: 0 };
      stats.total++;
      if (!r.ok) stats.failed++;
      this.vantageWindow.current.set(r.vantage, stats);
    }
    return taken;
  }

  /** Whether a track changed state since its (service, IDC) was last evaluated. */
  get hasChanges(): boolean {
    return this.changed.size > 0;
  }

  /** The (service, IDC)s (`<service>|<idc>`) with a track that changed state, handed over once. */
  takeChanged(): Set<string> {
    const changed = this.changed;
    this.changed = new Set();
    return changed;
  }

  /**
   * Re-evaluates the vantages, every endpoint and every (service, IDC); returns the state changes as
   * events. With `only`, the vantages and just the endpoints and states of those (service, IDC)s, as
   * a full evaluation at `now` would: what follows a track change at once. A vantage turning suspect
   * or back changes every quorum, so then it evaluates everything. Staleness elsewhere waits for the
   * next full evaluation.
   */
  evaluate(now: number, only?: ReadonlySet<string>): HealthEvent[] {
    const events: HealthEvent[] = [];
    this.evaluateVantages(now, events); // one rate per vantage: cheap
    const all = !only || events.length > 0;
    if (all) this.changed.clear();
    const groups: Array<[string, EndpointRecord[]]> = all
      ? [...this.byIdc]
      : [...only].flatMap((key): Array<[string, EndpointRecord[]]> => {
          const records = this.byIdc.get(key);
          return records ? [[key, records]] : [];
        });
    const endpoints = all ? this.records.values() : groups.flatMap(([, records]) => records);
    for (const record of endpoints) this.evaluateEndpoint(record, now, events);
    for (const [key, records] of groups) this.evaluateIdc(key, records, now, events);
    return events;
  }

  /** Rollup rows of every finished minute, handed over once. */
  takeRollups(now: number): RollupRow[] {
    const minute = minuteOf(now);
    for (const record of this.records.values())
      if (record.current.minute < minute) this.closeMinute(record, minute);
    return this.rollups.splice(0);
  }

  /** Weights are percentages of the service's traffic: `current` (the executor's) when set, else the baseline's. */
  snapshot(now: number, current: ReadonlyMap<string, Record<string, number>> = new Map()): StatusSnapshot {
    const services = (this.config?.services ?? []).map((service) => {
      const weights = current.get(service.name) ?? normalise(serviceWeights(service));
      const idcNames = [...new Set(service.endpoints.map((e) => e.idc))].sort();
      const idcs = idcNames.map((idc): IdcStatus => {
        const r = this.idcs.get(`${service.name}|${idc}`);
        const health = r?.health;
        return {
          idc,
          state: r?.state ?? 'UNKNOWN',
          reason: r?.reason ?? 'unknown',
          score: health?.score ?? 0,
          healthyRatio: health?.healthyRatio ?? 0,
          healthyCapacity: health?.healthyCapacity ?? 0,
          totalCapacity: health?.totalCapacity ?? 0,
          weight: weights[idc] ?? 0,
          since: r?.since ?? now,
          endpoints: health?.counts ?? zeroCounts(),
          outages: [...(r?.outages ?? [])],
        };
      });
      const endpoints = zeroCounts();
      for (const i of idcs) for (const s of HEALTH_STATES) endpoints[s] += i.endpoints[s];
      return { service: service.name, idcs, endpoints };
    });
    return {
      generatedAt: now,
      configVersion: this.version,
      vantages: { live: [...this.live].sort(), suspect: [...this.suspect].sort() },
      services,
    };
  }

  /** Endpoint states per service, for GET /services/{name}/status. */
  serviceEndpoints(): Map<string, EndpointStatus[]> {
    const out = new Map<string, EndpointStatus[]>();
    for (const r of this.records.values()) {
      const list = out.get(r.info.service) ?? [];
      list.push({
        id: r.info.id,
        idc: r.info.idc,
        state: r.state,
        reason: r.reason,
        score: r.score.score,
        since: r.since,
      });
      out.set(r.info.service, list);
    }
    return out;
  }

  /**
   * Details of changed endpoints (what the API shows, and the next leader's starting state): at once
   * after a state change, else at most every `everyMs`, so a flood of results does not turn into a
   * flood of writes.
   */
  takeDirtyDetails(now: number, everyMs: number): EndpointHealthDetail[] {
    const out: EndpointHealthDetail[] = [];
    for (const r of this.records.values()) {
      if (!r.dirty || (now - r.publishedAt < everyMs && r.since < r.publishedAt)) continue;
      r.dirty = false;
      r.publishedAt = now;
      out.push(this.detail(r));
    }
    return out;
  }

  detail(r: EndpointRecord): EndpointHealthDetail {
    return {
      id: r.info.id,
      idc: r.info.idc,
      service: r.info.service,
      capacity: r.info.capacity,
      state: r.state,
      reason: r.reason,
      flapping: r.flapping,
      score: r.score.score,
      since: r.since,
      vantages: [...r.tracks.values()].map((t) => ({ ...t })),
      downFrom: r.downFrom,
      upFrom: r.upFrom,
      scoreComponents: r.score.components,
      transitions: r.rawTransitions,
      lastResults: r.last,
      ...(r.firstFailureAt !== undefined ? { firstFailureAt: r.firstFailureAt } : {}),
    };
  }

  /** Takes back the state a previous leader published, so a failover starts where it left off. */
  restore(details: readonly EndpointHealthDetail[]): number {
    let restored = 0;
    for (const d of details) {
      const r = this.records.get(d.id);
      if (!r) continue;
      for (const t of d.vantages) r.tracks.set(`${t.vantage}|${t.check}`, { ...t });
      r.state = d.state;
      r.raw = d.state === 'DEGRADED' && d.reason === 'flapping' ? r.raw : d.state;
      r.reason = d.reason as HealthReason;
      r.flapping = d.flapping ?? d.reason === 'flapping';
      r.since = d.since;
      r.rawTransitions = [...d.transitions];
      r.last = [...d.lastResults];
      if (d.firstFailureAt !== undefined) r.firstFailureAt = d.firstFailureAt;
      restored++;
    }
    return restored;
  }

  /** Takes back the (service, IDC) states of the last published status, so they are not announced again. */
  restoreStatus(snapshot: StatusSnapshot): void {
    for (const service of snapshot.services) {
      for (const i of service.idcs) {
        const health: IdcHealth = {
          state: i.state,
          reason: i.reason as HealthReason,
          healthyRatio: i.healthyRatio,
          healthyCapacity: i.healthyCapacity,
          totalCapacity: i.totalCapacity,
          score: i.score,
          counts: i.endpoints,
        };
        this.idcs.set(`${service.service}|${i.idc}`, {
          service: service.service,
          idc: i.idc,
          state: i.state,
          reason: health.reason,
          since: i.since,
          health,
          outages: [...(i.outages ?? [])],
        });
      }
    }
  }

  private evaluateVantages(now: number, events: HealthEvent[]): void {
    const rates = new Map(this.vantageWindow.previous);
    for (const [v, s] of this.vantageWindow.current) {
      const p = rates.get(v) ?? { failed: 0, total: 0 };
      rates.set(v, { failed: p.failed + s.failed, total: p.total + s.total });
    }
    const next = suspectVantages(rates);
    for (const v of new Set([...next, ...this.suspect])) {
      if (next.has(v) === this.suspect.has(v)) continue;
      const rate = rates.get(v);
      events.push({
        kind: 'vantage',
        at: now,
        vantage: v,
        before: this.suspect.has(v) ? 'SUSPECT' : 'OK',
        after: next.has(v) ? 'SUSPECT' : 'OK',
        reason: next.has(v)
          ? `fails ${rate?.failed ?? 0} of ${rate?.total ?? 0} probes, far above the other vantages`
          : 'back in line with the other vantages',
      });
    }
    this.suspect = next;
  }

  private evaluateEndpoint(r: EndpointRecord, now: number, events: HealthEvent[]): void {
    const views = new Map<string, VantageView>();
    for (const t of r.tracks.values()) {
      const check = r.info.checks.get(t.check);
      if (!check) continue;
      const view = views.get(t.vantage);
      if (!view) {
        views.set(t.vantage, {
          vantage: t.vantage,
          state: t.state,
          lastAt: t.lastAt,
          intervalMs: check.intervalMs,
        });
        continue;
      }
      if (SEVERITY[t.state] > SEVERITY[view.state]) view.state = t.state;
      view.lastAt = Math.max(view.lastAt, t.lastAt);
      view.intervalMs = Math.max(view.intervalMs, check.intervalMs);
    }
    const verdict = endpointVerdict([...views.values()], {
      now,
      live: this.live,
      suspect: this.suspect,
      ...(r.info.quorum !== undefined ? { quorum: r.info.quorum } : {}),
    });
    const f = r.info.flapping;
    if (verdict.state !== r.raw) {
      r.rawTransitions = recordTransition(r.rawTransitions, now, f.windowMs + f.holdMs);
      r.raw = verdict.state;
    }
    const damped = dampedState(verdict, isFlapping(r.rawTransitions, now, f));
    const { state, reason } = damped;
    r.downFrom = verdict.downFrom;
    r.upFrom = verdict.upFrom;
    if (damped.flapping !== r.flapping) {
      r.flapping = damped.flapping;
      r.dirty = true;
    }
    this.updateScore(r, now);
    // A lone failure that never took it out of HEALTHY is no streak: a later outage's MTTD must not start there.
    if (state === 'HEALTHY' && r.state === 'HEALTHY' && r.firstFailureAt !== undefined && this.allUp(r)) {
      delete r.firstFailureAt;
      r.dirty = true;
    }
    if (state === r.state && reason === r.reason) return;
    events.push({
      kind: 'endpoint',
      at: now,
      service: r.info.service,
      idc: r.info.idc,
      endpoint: r.info.id,
      before: r.state,
      after: state,
      reason,
      details: {
        downFrom: verdict.downFrom,
        upFrom: verdict.upFrom,
        ...(r.firstFailureAt !== undefined ? { firstFailureAt: r.firstFailureAt } : {}),
      },
    });
    if (state !== r.state) r.since = now;
    r.state = state;
    r.reason = reason;
    if (state === 'HEALTHY') delete r.firstFailureAt;
    r.dirty = true;
  }

  private evaluateIdc(key: string, records: EndpointRecord[], now: number, events: HealthEvent[]): void {
    const service = this.config?.services.find((s) => s.name === records[0].info.service);
    if (!service) return;
    const health = idcHealth(
      records.map((r) => ({
        state: r.state,
        reason: r.reason,
        capacity: r.info.capacity,
        score: r.score.score,
        flapping: r.flapping,
        ...(r.flapping
          ? { successRatio: recentSuccessRatio(r.last, { live: this.live, suspect: this.suspect }) }
          : {}),
      })),
      service.policy,
    );
    const previous = this.idcs.get(key);
    const before = previous?.state ?? 'UNKNOWN';
    const windowMs = parseDuration(service.policy.failbackBackoff.window);
    const record: IdcRecord = {
      service: service.name,
      idc: records[0].info.idc,
      state: health.state,
      reason: health.reason,
      since: previous && previous.state === health.state ? previous.since : now,
      health,
      outages: trackOutages(previous?.outages ?? [], before, health.state, now, windowMs),
    };
    this.idcs.set(key, record);
    if (before === health.state) return; // everything starts UNKNOWN
    const firstFailures = records.map((r) => r.firstFailureAt).filter((t): t is number => t !== undefined);
    events.push({
      kind: 'idc',
      at: now,
      service: record.service,
      idc: record.idc,
      before,
      after: health.state,
      reason: health.reason,
      details: {
        healthyRatio: health.healthyRatio,
        ...(firstFailures.length ? { firstFailureAt: Math.min(...firstFailures) } : {}),
      },
    });
  }

  /** Every track from a live, non-suspect vantage is UP with no failure since its last success. */
  private allUp(r: EndpointRecord): boolean {
    for (const t of r.tracks.values()) {
      if (!this.live.has(t.vantage) || this.suspect.has(t.vantage)) continue;
      if (t.state !== 'UP' || t.failures > 0) return false;
    }
    return true;
  }

  private updateScore(r: EndpointRecord, now: number): void {
    const minutes: MinuteStats[] = [...r.recent, r.current];
    const total = minutes.reduce((n, m) => n + m.count, 0);
    const failures = minutes.reduce((n, m) => n + m.failures, 0);
    const latencies = minutes.flatMap((m) => m.latencies);
    const slo = [...r.info.checks.values()].find((c) => c.sloMs !== undefined)?.sloMs;
    r.score = endpointScore({
      successes: total - failures,
      total,
      ...(slo !== undefined ? { sloMs: slo, latencyP95Ms: percentile(latencies, 95) } : {}),
      transitions: r.rawTransitions.filter((t) => t > now - SCORE_MINUTES * 60_000).length,
      windowMs: SCORE_MINUTES * 60_000,
    });
  }

  private countMinute(r: EndpointRecord, result: ProbeResult): void {
    const minute = minuteOf(result.startedAt);
    if (minute > r.current.minute) this.closeMinute(r, minute);
    if (minute < r.current.minute) return; // a late result of a minute already rolled up
    r.current.count++;
    if (!result.ok) r.current.failures++;
    r.current.latencies.push(result.latencyMs);
  }

  private closeMinute(r: EndpointRecord, next: number): void {
    const m = r.current;
    if (m.count > 0) {
      this.rollups.push({
        endpoint: r.info.id,
        service: r.info.service,
        idc: r.info.idc,
        minute: m.minute,
        count: m.count,
        failures: m.failures,
        p50: percentile(m.latencies, 50),
        p95: percentile(m.latencies, 95),
        p99: percentile(m.latencies, 99),
      });
      r.recent.push(m);
      if (r.recent.length > SCORE_MINUTES - 1) r.recent.shift();
    }
    r.current = { minute: next, count: 0, failures: 0, latencies: [] };
  }

  private rotateVantageWindow(now: number): void {
    if (now - this.vantageWindow.start < VANTAGE_WINDOW_MS) return;
    this.vantageWindow = { start: now, previous: this.vantageWindow.current, current: new Map() };
  }
}
