/**
 * Keeps the last value of an expensive read for `ttlMs`. Callers that come while a read is under way
 * share it, so there is at most one read in flight and one per `ttlMs`. A failed read is not kept.
 */
export class TtlCache<T> {
  private value?: { at: number; data: T };
  private inFlight?: Promise<T>;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    if (this.value && this.now() - this.value.at < this.ttlMs) return Promise.resolve(this.value.data);
    if (!this.inFlight) {
      this.inFlight = this.load()
        .then((data) => {
          this.value = { at: this.now(), data };
          return data;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }
}
