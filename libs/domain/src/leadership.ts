/** How long past the lease TTL a controller may see no leader before it says so (a few renewals' worth). */
export const LEADERLESS_GRACE_MS = 5000;

export interface Leadership {
  /** The holder last seen (null: none seen yet). */
  leader: string | null;
  /** Whether that holder is this process and it leads now. */
  self: boolean;
  /** Time since a holder was last seen, in seconds (0 while this process leads). */
  leaderlessSeconds: number;
  /** False once no holder was seen for longer than the TTL plus the grace: the controllers have no leader. */
  ready: boolean;
}

/**
 * A controller's view of the leadership from its last sighting of the lease: a leader missing for
 * longer than the lease could have lasted plus a grace means no one runs health, rules or shifts.
 */
export function leadership(
  sighting: { holder: string | null; at: number },
  self: boolean,
  now: number,
  ttlMs: number,
): Leadership {
  const leaderlessMs = self ? 0 : Math.max(0, now - sighting.at);
  return {
    leader: sighting.holder,
    self,
    leaderlessSeconds: Math.round(leaderlessMs / 100) / 10,
    ready: leaderlessMs <= ttlMs + LEADERLESS_GRACE_MS,
  };
}
