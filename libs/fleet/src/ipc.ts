import { FleetSpec, ModeInput, Selector } from './types';

/** Parent -> child (fleet-process.ts). */
export type FleetRequest = { id: number } & (
  | { op: 'start'; spec: FleetSpec }
  | { op: 'set'; selector: Selector; mode: ModeInput }
  | { op: 'mode'; endpoint: string }
  | { op: 'stats'; endpoint: string }
  | { op: 'totals' }
  | { op: 'cpu' }
  | { op: 'close' }
);

/** Child -> parent: the answer to the request with the same id. */
export type FleetReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
