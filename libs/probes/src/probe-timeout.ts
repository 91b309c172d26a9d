/**
 * The check timeout of one probe run. After an event-loop stall (a busy machine, a GC pause), Node runs
 * due timers before the I/O that arrived meanwhile, so a plain timer would fail an answer already
 * waiting in the socket. This one waits one more turn of the loop (setImmediate runs after I/O) and
 * fires only if the run has not finished by then: a timeout is the target's, not the prober's.
 */
export function probeTimeout(ms: number, onTimeout: () => void): { clear(): void } {
  let cleared = false;
  let immediate: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    immediate = setImmediate(() => cleared || onTimeout());
  }, ms);
  return {
    clear() {
      cleared = true;
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
    },
  };
}
