/**
 * The `traceparent` of the span that last caused something, by key (a (service, IDC)'s last health
 * decision, an action's rule): so work done later, in another tick or timer (a step after its
 * interval, a notice of an action), joins the trace of its cause. Bounded: past `max` keys the oldest
 * is forgotten (its later work then starts a trace of its own). In memory, on the leader: a new leader
 * starts without it.
 */
export class TraceMemory {
  private readonly entries = new Map<string, string>();

  constructor(private readonly max = 10_000) {}

  /** Remembers `traceparent` for `key`; an undefined one (tracing off, not sampled) changes nothing. */
  set(key: string, traceparent: string | undefined): void {
    if (traceparent === undefined) return;
    this.entries.delete(key); // to the end: the newest
    this.entries.set(key, traceparent);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Traceparents waiting for the next span that follows from them (result batches that changed a
 * track, waiting for the evaluation that decides on them): at most `max`, the newest kept, none older
 * than `maxAgeMs` when taken (a blip that decided nothing is not the cause of a change a minute later).
 */
export class TraceCauses {
  private causes: Array<{ traceparent: string; at: number }> = [];

  constructor(
    private readonly max = 16,
    private readonly maxAgeMs = 30_000,
    private readonly clock: () => number = Date.now,
  ) {}

  add(traceparent: string | undefined): void {
    if (traceparent === undefined) return;
    this.causes.push({ traceparent, at: this.clock() });
    if (this.causes.length > this.max) this.causes.shift();
  }

  /** The causes, handed over once: the newest is the parent of the span that follows, the rest its links. */
  take(): { parent?: string; links: string[] } {
    const since = this.clock() - this.maxAgeMs;
    const causes = this.causes.filter((c) => c.at >= since).map((c) => c.traceparent);
    this.causes = [];
    return { parent: causes.at(-1), links: causes.slice(0, -1) };
  }
}
