import { Mode, ModeInput } from './types';

/** What one request (HTTP, DNS) or connection (TCP, TLS) gets. Each protocol maps it to its own terms. */
export type Action =
  { kind: 'respond'; status: number; delayMs: number } | { kind: 'reset' } | { kind: 'hang' };

export const UP: Mode = { mode: 'up' };

// Shared, never mutated: deciding allocates nothing on the hot path (up, reset, hang, flap).
const OK: Action = Object.freeze({ kind: 'respond', status: 200, delayMs: 0 });
const RESET: Action = Object.freeze({ kind: 'reset' });
const HANG: Action = Object.freeze({ kind: 'hang' });

/**
 * Decides what a request or connection gets in `mode`; `random` is a uniform number in [0, 1).
 * A refused endpoint does not listen, so only connections accepted before it went down meet
 * `down/refused` here: they are reset, as when a process dies.
 */
export function decide(mode: Mode, random: number): Action {
  switch (mode.mode) {
    case 'up':
      return OK;
    case 'down':
      return RESET;
    case 'hang':
      return HANG;
    case 'slow':
      return { kind: 'respond', status: 200, delayMs: mode.ms };
    case 'status':
      return { kind: 'respond', status: mode.code, delayMs: 0 };
    case 'flap':
      return random < mode.p ? RESET : OK;
  }
}

/**
 * For later requests on a connection already accepted by a per-connection protocol (TCP): `flap` was
 * decided once, at accept, so it answers like `up` here; every other mode applies as usual.
 */
export function decideOnConnection(mode: Mode): Action {
  return mode.mode === 'flap' ? OK : decide(mode, 0);
}

/** Whether an endpoint in this mode has a listening socket (only `down/refused` has none). */
export function isListening(mode: Mode): boolean {
  return !(mode.mode === 'down' && mode.how === 'refused');
}

/** Whether switching to this mode should kill the endpoint's open connections (the process "died"). */
export function killsConnections(mode: Mode): boolean {
  return mode.mode === 'down';
}

/** Validates a mode (also what arrives over IPC) and expands the shorthands. Throws on bad input. */
export function parseMode(input: ModeInput | unknown): Mode {
  if (input === 'up' || input === 'hang') return { mode: input };
  if (input === 'refused' || input === 'reset') return { mode: 'down', how: input };
  if (typeof input !== 'object' || input === null)
    throw new Error(`invalid fleet mode: ${JSON.stringify(input)}`);
  const m = input as Record<string, unknown>;
  switch (m.mode) {
    case 'up':
    case 'hang':
      return { mode: m.mode };
    case 'down':
      if (m.how === 'refused' || m.how === 'reset') return { mode: 'down', how: m.how };
      throw new Error('mode down needs how: "refused" or "reset"');
    case 'slow':
      if (typeof m.ms === 'number' && Number.isFinite(m.ms) && m.ms >= 0) return { mode: 'slow', ms: m.ms };
      throw new Error('mode slow needs ms >= 0');
    case 'status':
      if (Number.isInteger(m.code) && (m.code as number) >= 200 && (m.code as number) <= 599)
        return { mode: 'status', code: m.code as number };
      throw new Error('mode status needs an HTTP status code (200-599)');
    case 'flap':
      if (typeof m.p === 'number' && m.p >= 0 && m.p <= 1) return { mode: 'flap', p: m.p };
      throw new Error('mode flap needs a probability p in [0, 1]');
    default:
      throw new Error(`unknown fleet mode: ${JSON.stringify(m.mode)}`);
  }
}

/** A short label for logs: `up`, `down(reset)`, `slow(200ms)`, `status(503)`, `flap(0.3)`. */
export function describeMode(mode: Mode): string {
  switch (mode.mode) {
    case 'down':
      return `down(${mode.how})`;
    case 'slow':
      return `slow(${mode.ms}ms)`;
    case 'status':
      return `status(${mode.code})`;
    case 'flap':
      return `flap(${mode.p})`;
    default:
      return mode.mode;
  }
}
