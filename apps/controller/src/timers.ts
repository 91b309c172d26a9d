/** `work`, or a rejection naming `what` once `ms` have passed; the work itself goes on unobserved. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `task` every `ms`, each run's failure handed to `warn` (the timer goes on), and adds the timer
 * to `timers` for whoever stops them.
 */
export function every(
  timers: NodeJS.Timeout[],
  ms: number,
  task: () => Promise<unknown>,
  warn: (message: string) => void,
): void {
  timers.push(setInterval(() => void task().catch((err: unknown) => warn((err as Error).message)), ms));
}
