import { readFileSync } from 'node:fs';

/**
 * File descriptors. Every endpoint holds one listening socket (so that `down/refused` is a real closed
 * port), and every open connection one more. A fleet of N endpoints therefore needs N descriptors
 * plus its concurrent connections: 10,000 HTTP endpoints probed at 2,000 new connections/s need about
 * 10,000 + (2,000/s x connection lifetime, plus every `hang` connection held) ~ 12,000-16,000.
 *
 * Node raises its soft RLIMIT_NOFILE to the hard limit at start-up, so `ulimit -Sn` does not matter,
 * but Node cannot raise the hard limit (no setrlimit API). Raise it outside: `ulimit -Hn 65536` as
 * root, `docker run --ulimit nofile=65536`, systemd `LimitNOFILE=65536`, or /etc/security/limits.conf.
 */
export const CONNECTION_HEADROOM = 1024;

/** The soft open-files limit of this process (Linux: /proc/self/limits), or undefined if unknown. */
export function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === undefined) return undefined;
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return undefined;
  }
}

/** Descriptors a fleet of `endpoints` listeners needs before it serves any real load. */
export function descriptorsNeeded(endpoints: number): number {
  return endpoints + CONNECTION_HEADROOM;
}

/** Throws a helpful error when the fleet cannot fit in this process's open-files limit. */
export function assertDescriptorLimit(endpoints: number, limit = openFilesLimit()): void {
  const needed = descriptorsNeeded(endpoints);
  if (limit === undefined || limit >= needed) return;
  throw new Error(
    `a fleet of ${endpoints} endpoints needs at least ${needed} open files (one listener per endpoint plus ` +
      `${CONNECTION_HEADROOM} for connections) but the limit is ${limit}; raise the hard limit ` +
      '(ulimit -Hn 65536 as root, docker --ulimit nofile=65536, systemd LimitNOFILE)',
  );
}
