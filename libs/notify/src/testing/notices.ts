/** Notice fixtures for tests. */
import type { Notice } from '@libs/domain';

export const AT = Date.UTC(2030, 0, 2, 3, 4, 5, 678);

/** An IDC incident's trigger; override any field. */
export function notice(over: Partial<Notice> = {}): Notice {
  return {
    id: 'idc/live-edge/sha/1000:trigger:2000',
    incidentKey: 'idc/live-edge/sha/1000',
    event: 'idc.state',
    phase: 'trigger',
    severity: 'critical',
    resolvable: true,
    title: 'live-edge in sha is UNHEALTHY',
    text: '3 of 4 endpoints down.\nVigil proposes shift-away.',
    labels: { event: 'idc.state', severity: 'critical', service: 'live-edge', idc: 'sha' },
    details: { state: 'UNHEALTHY', endpoints: ['sha-1', 'sha-2', 'sha-3'] },
    at: AT,
    ...over,
  };
}

/** A one-shot info notice (an action executed): not resolvable. */
export function actionNotice(over: Partial<Notice> = {}): Notice {
  return notice({
    id: 'action/act-1:trigger:3000',
    incidentKey: 'action/act-1',
    event: 'action.executed',
    severity: 'info',
    resolvable: false,
    title: 'shift-away of live-edge from sha executed',
    text: 'weights sha 0, bjs 100',
    labels: { event: 'action.executed', severity: 'info', service: 'live-edge', idc: 'sha', action: 'act-1' },
    details: { kind: 'shift-away' },
    ...over,
  });
}
