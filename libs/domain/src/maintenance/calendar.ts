import { compileSchedule, occurrences, type CompiledSchedule } from './occurrences';
import { scopeCovers } from './scope';
import type { Interval, MaintenanceWindow, ScopeTarget } from './types';

/** How far ahead the calendar lists each window's occurrences before it looks again. */
const HORIZON_MS = 3_600_000;

interface Entry {
  window: MaintenanceWindow;
  compiled: CompiledSchedule;
  /** Occurrences overlapping [listedFrom, listedTo). */
  listed: Interval[];
  listedFrom: number;
  listedTo: number;
}

/** A window active at some time, with the occurrence it is in. */
export interface ActiveWindow {
  window: MaintenanceWindow;
  occurrence: Interval;
}

/**
 * The windows the controller knows, each compiled once per (id, version) and its occurrences listed
 * an hour ahead, so asking what is active at every tick parses nothing and walks no rule. Plain
 * class; time is a parameter.
 */
export class MaintenanceCalendar {
  private entries = new Map<string, Entry>();
  /** How many times a schedule was compiled (tests: a tick must not re-parse). */
  compilations = 0;

  /** Replaces the set of windows; unchanged ones (same id and version) keep their compiled form. */
  set(windows: readonly MaintenanceWindow[]): void {
    const next = new Map<string, Entry>();
    for (const w of windows) {
      const old = this.entries.get(w.id);
      if (old && old.window.version === w.version) {
        next.set(w.id, old);
        continue;
      }
      this.compilations++;
      next.set(w.id, {
        window: w,
        compiled: compileSchedule(w.schedule),
        listed: [],
        listedFrom: 0,
        listedTo: 0,
      });
    }
    this.entries = next;
  }

  /** The windows with `effect` active at `now` whose scope covers `target`, in id order. */
  active(effect: 'freeze' | 'silence', target: ScopeTarget, now: number): ActiveWindow[] {
    const out: ActiveWindow[] = [];
    for (const entry of this.entries.values()) {
      if (!entry.window.effects[effect] || !scopeCovers(entry.window.scope, target)) continue;
      const occurrence = this.occurrenceAt(entry, now);
      if (occurrence) out.push({ window: entry.window, occurrence });
    }
    return out.sort((a, b) => a.window.id.localeCompare(b.window.id));
  }

  /** How many windows are in force at `now`, whatever their scope and effects. */
  inForce(now: number): number {
    let count = 0;
    for (const entry of this.entries.values()) if (this.occurrenceAt(entry, now)) count++;
    return count;
  }

  private occurrenceAt(entry: Entry, now: number): Interval | undefined {
    if (now < entry.listedFrom || now >= entry.listedTo) {
      entry.listedFrom = now;
      entry.listedTo = now + HORIZON_MS;
      entry.listed = occurrences(entry.window, now, entry.listedTo, entry.compiled);
    }
    return entry.listed.find((i) => i.start <= now && now < i.end);
  }
}

/**
 * The windows (with `effect` when given) active at `now` whose scope covers `target`: the
 * one-shot form of MaintenanceCalendar.active, for the API.
 */
export function activeWindows(
  windows: readonly MaintenanceWindow[],
  target: ScopeTarget,
  now: number,
  effect?: 'freeze' | 'silence',
): ActiveWindow[] {
  const out: ActiveWindow[] = [];
  for (const window of windows) {
    if (effect && !window.effects[effect]) continue;
    if (!scopeCovers(window.scope, target)) continue;
    const [occurrence] = occurrences(window, now, now + 1);
    if (occurrence && occurrence.start <= now) out.push({ window, occurrence });
  }
  return out;
}
