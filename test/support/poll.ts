/** Polls until `probe` returns a value that is not undefined; waits between tries, fails at the deadline. */
export async function poll<T>(
  probe: () => Promise<T | undefined>,
  deadlineMs: number,
  what: string,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The value of one Prometheus sample in a text exposition, e.g. metric('vigil_probes_total{vantage="sha",...}'). */
export function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
