import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useLiveEvents, type HealthEvent } from './live';

/**
 * Re-reads `queryKeys` shortly after live events that `matches` accepts: a burst of events (an IDC
 * going down takes many endpoints with it) costs one refetch per `delayMs`, and a steady stream of
 * events still refreshes every `delayMs` (the first event of a burst starts the timer, later ones
 * ride along).
 */
export function useLiveRefresh(
  matches: (event: HealthEvent) => boolean,
  queryKeys: QueryKey[],
  delayMs = 250,
) {
  const client = useQueryClient();
  const timer = useRef<number | undefined>(undefined);
  const keys = useRef(queryKeys);
  keys.current = queryKeys;
  useLiveEvents((event) => {
    if (!matches(event)) return;
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      for (const queryKey of keys.current) void client.invalidateQueries({ queryKey });
    }, delayMs);
  });
  useEffect(() => () => window.clearTimeout(timer.current), []);
}
