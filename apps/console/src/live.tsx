import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Schema } from './api';
import { normalizeLiveEvent, type TimelineEvent } from './events/filters';

/** A live event, read into the shape of an /events item (the stream sends `at` in epoch ms, no id). */
export type HealthEvent = TimelineEvent;
type Listener = (event: HealthEvent) => void;
export type LiveState = 'connecting' | 'live' | 'reconnecting';

interface Live {
  state: LiveState;
  subscribe(listener: Listener): () => void;
}

const LiveContext = createContext<Live | null>(null);

/**
 * One `EventSource` on `/api/v1/events/stream` for the whole console (a key may hold only a few
 * streams), fanned out to the pages that listen. The browser reconnects by itself after an error.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    const source = new EventSource('/api/v1/events/stream');
    source.onopen = () => setState('live');
    source.onerror = () => setState('reconnecting');
    source.onmessage = (message: MessageEvent<string>) => {
      const event = normalizeLiveEvent(JSON.parse(message.data) as Schema<'LiveEventDto'>);
      for (const listener of listeners.current) listener(event);
    };
    return () => source.close();
  }, []);

  const value = useRef<Live>({
    state,
    subscribe(listener) {
      listeners.current.add(listener);
      return () => listeners.current.delete(listener);
    },
  });
  value.current = { ...value.current, state };
  return <LiveContext.Provider value={value.current}>{children}</LiveContext.Provider>;
}

/** Calls `listener` for every live event (the latest listener; no resubscription on each render). */
export function useLiveEvents(listener: Listener): void {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLiveEvents outside LiveProvider');
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => live.subscribe((event) => latest.current(event)), [live.subscribe]);
}

/** Whether the live stream is connected, for the header's indicator. */
export function useLiveState(): LiveState {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLiveState outside LiveProvider');
  return live.state;
}
