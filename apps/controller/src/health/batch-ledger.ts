/**
 * The ids of the result batches this leader applied lately. BullMQ delivers at least once (a batch
 * whose worker stalled, or whose completion a Redis failover lost, comes again) and a prober adds a
 * batch again when no replica confirmed it: a repeat must not count its results twice in rollups and
 * vantage failure rates. Bounded: the oldest ids go first; a repeat comes within seconds to a minute.
 */
export class BatchLedger {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 50_000) {}

  /** True the first time (and remembers the id), false for a repeat; a batch without an id always passes. */
  first(id: string | undefined): boolean {
    if (id === undefined) return true;
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }
}
