import { MAX_ALERT_FACTS, type AlertFact } from '@libs/domain';
import type { AlertFactRow, AlertFactsSource } from './alert-facts-source';

/** The alerts table is read at most this often. */
export const ALERT_FACTS_REFRESH_MS = 1000;

export function toAlertFact(row: AlertFactRow): AlertFact {
  return {
    name: row.name,
    status: row.status,
    labels: row.labels,
    annotations: row.annotations,
    ...(row.service !== null && { service: row.service }),
    ...(row.idc !== null && { idc: row.idc }),
    ...(row.endpoint !== null && { endpoint: row.endpoint }),
    startsAt: row.starts_at.getTime(),
  };
}

/** A firing alert held: its fact, and what orders and ends it. */
interface Held {
  fact: AlertFact;
  endsMs: number | null;
  updatedUs: number;
}

const sameMap = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
};
/** Whether the rules would see two facts alike. */
const sameFact = (a: AlertFact, b: AlertFact) =>
  a.name === b.name &&
  a.status === b.status &&
  a.service === b.service &&
  a.idc === b.idc &&
  a.endpoint === b.endpoint &&
  a.startsAt === b.startsAt &&
  sameMap(a.labels, b.labels) &&
  sameMap(a.annotations, b.annotations);

const fires = (row: AlertFactRow, now: number) =>
  row.status === 'firing' && (row.ends_ms === null || row.ends_ms > now);
const byFingerprint = (a: [string, Held], b: [string, Held]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * The `alerts` fact of the rules, on the leader: the firing alerts (status firing, end time not
 * passed), at most `limit` of them, the ones received last, in fingerprint order. Held in memory:
 * read whole once per leadership term (a new `term`), then at most once a second only the rows
 * written since the last read (`alerts.change_xid`), resolved ones included, so a quiet second reads
 * no row. The same array as long as the alerts are the same, since the rules convert an array to CEL
 * values once per array identity. A failed read keeps the last alerts, and reads whole next time.
 */
export class AlertFacts {
  private held = new Map<string, Held>();
  /** Where the next read of changes starts; null: read whole. */
  private horizon: string | null = null;
  private term: number | null | undefined = undefined;
  /** More alerts fire than are held. */
  private overflow = false;
  private facts: readonly AlertFact[] = [];
  /** The earliest end time among the alerts held. */
  private nextEndMs = Infinity;
  private readAt = -Infinity;
  private reading = false;
  /** Rows read so far, and whole reads among the reads (for tests and benchmarks). */
  readonly stats = { rows: 0, reads: 0, wholeReads: 0 };

  constructor(
    private readonly source: AlertFactsSource,
    private readonly warn: (message: string) => void,
    /**
     * Firing alerts the rules see at most: the ones received last. More firing alerts cost a full
     * read (of this many) each time one of those seen ends, instead of a read of the changes. The
     * rules' cost estimate assumes MAX_ALERT_FACTS.
     */
    private readonly limit = MAX_ALERT_FACTS,
  ) {}

  /** The alerts at `now`, for leadership term `term` (the fencing token). */
  async current(now: number, term: number | null = null): Promise<readonly AlertFact[]> {
    if (term !== this.term) [this.term, this.horizon] = [term, null];
    if (this.reading || now - this.readAt < ALERT_FACTS_REFRESH_MS) return this.facts;
    [this.readAt, this.reading] = [now, true];
    try {
      const changed = await this.refresh(now);
      if (changed || now >= this.nextEndMs) this.publish(now);
    } catch (err) {
      this.horizon = null;
      this.warn(`alerts for the rules not read (the last ones stay): ${(err as Error).message}`);
    } finally {
      this.reading = false;
    }
    return this.facts;
  }

  /** Reads what changed (or everything); whether the alerts held changed. */
  private async refresh(now: number): Promise<boolean> {
    if (this.horizon !== null) {
      const read = await this.source.changed(this.horizon, this.limit + 1);
      this.count(read.rows.length, false);
      // More changes than alerts held: a whole read is no more work.
      if (read.rows.length <= this.limit) {
        const { changed, left } = this.apply(read.rows, now);
        this.horizon = read.horizon;
        // One of those held left while more fire: which one comes in takes a whole read.
        if (!(left && this.overflow)) return this.evict() || changed;
      }
    }
    this.horizon = null;
    const read = await this.source.firing(this.limit + 1, now);
    this.count(read.rows.length, true);
    const before = this.held;
    this.held = new Map();
    for (const row of read.rows.slice(0, this.limit)) this.hold(row, before.get(row.fingerprint));
    this.setOverflow(read.rows.length > this.limit);
    this.horizon = read.horizon;
    return before.size !== this.held.size || [...this.held].some(([fp, h]) => before.get(fp) !== h);
  }

  /** Rows written since the last read, applied to those held. */
  private apply(rows: readonly AlertFactRow[], now: number): { changed: boolean; left: boolean } {
    let [changed, left] = [false, false];
    for (const row of rows) {
      const held = this.held.get(row.fingerprint);
      if (fires(row, now)) changed = this.hold(row, held) !== held || changed;
      else if (this.held.delete(row.fingerprint)) [changed, left] = [true, true];
    }
    return { changed, left };
  }

  /** Holds a row; keeps the entry held before (the same fact object) when what the rules see is the same. */
  private hold(row: AlertFactRow, before: Held | undefined): Held | undefined {
    const fact = toAlertFact(row);
    const same = before !== undefined && before.endsMs === row.ends_ms && sameFact(before.fact, fact);
    const held = same ? before : { fact, endsMs: row.ends_ms, updatedUs: row.updated_us };
    held.updatedUs = row.updated_us;
    this.held.set(row.fingerprint, held);
    return held;
  }

  /** Over the limit: the alerts received first go. Whether any went. */
  private evict(): boolean {
    const over = this.held.size - this.limit;
    if (over <= 0) return false;
    const oldest = [...this.held].sort(
      ([fa, a], [fb, b]) => a.updatedUs - b.updatedUs || (fa < fb ? -1 : fa > fb ? 1 : 0),
    );
    for (const [fingerprint] of oldest.slice(0, over)) this.held.delete(fingerprint);
    this.setOverflow(true);
    return true;
  }

  private setOverflow(overflow: boolean): void {
    if (overflow && !this.overflow) {
      this.warn(`${this.limit}+ alerts fire: the rules see the ${this.limit} received last`);
    }
    this.overflow = overflow;
  }

  /** A new array of the alerts held that have not ended by `now`; those that have are let go. */
  private publish(now: number): void {
    this.nextEndMs = Infinity;
    for (const [fingerprint, h] of this.held) {
      if (h.endsMs === null) continue;
      if (h.endsMs <= now) {
        this.held.delete(fingerprint);
        if (this.overflow) this.horizon = null; // another one comes in: read whole next time
      } else this.nextEndMs = Math.min(this.nextEndMs, h.endsMs);
    }
    this.facts = [...this.held].sort(byFingerprint).map(([, h]) => h.fact);
  }

  private count(rows: number, whole: boolean): void {
    this.stats.rows += rows;
    this.stats.reads++;
    if (whole) this.stats.wholeReads++;
  }
}
