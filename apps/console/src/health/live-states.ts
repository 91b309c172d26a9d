import type { Schema } from '../api';

type Status = Schema<'StatusDto'>;

/** An IDC's state as a live event announced it, before a snapshot shows it. */
export interface LiveIdcState {
  state: Schema<'IdcStatusDto'>['state'];
  reason: string;
  since: number;
}

/**
 * The snapshot with the IDC states that live events announced after it was written: the board
 * shows a change the moment it arrives, and a re-read snapshot that is older than the event cannot
 * turn it back.
 */
export function withLiveStates(status: Status, live: ReadonlyMap<string, LiveIdcState>): Status {
  if (!live.size) return status;
  const writtenAt = status.generatedAt ?? 0;
  return {
    ...status,
    services: status.services.map((service) => ({
      ...service,
      idcs: service.idcs.map((idc) => {
        const seen = live.get(`${service.service}/${idc.idc}`);
        return seen && seen.since > writtenAt ? { ...idc, ...seen } : idc;
      }),
    })),
  };
}
