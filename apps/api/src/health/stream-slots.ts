/** Why a stream was refused: the caller's own share is used up, or the whole process's. */
export type SlotRefusal = 'per-key' | 'process';

/**
 * Counts open live streams per API key and in total, against two caps. `take` either counts one
 * more and hands back its release (safe to call more than once), or says which cap refused it.
 */
export class StreamSlots {
  private readonly byKey = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly perKey: number,
    private readonly max: number,
  ) {}

  /** Streams open now, all keys together. */
  get open(): number {
    return this.total;
  }

  take(key: string): { release: () => void } | { refused: SlotRefusal } {
    const mine = this.byKey.get(key) ?? 0;
    if (mine >= this.perKey) return { refused: 'per-key' };
    if (this.total >= this.max) return { refused: 'process' };
    this.byKey.set(key, mine + 1);
    this.total++;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.total--;
        const left = (this.byKey.get(key) ?? 1) - 1;
        if (left > 0) this.byKey.set(key, left);
        else this.byKey.delete(key);
      },
    };
  }
}
