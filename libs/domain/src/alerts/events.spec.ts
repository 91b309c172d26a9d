import { alertChanged, alertEvent, alertExpiredEvent, alertReason } from './events';
import type { AlertStatus, ReceivedAlert } from './types';

const ALERT: ReceivedAlert = {
  fingerprint: 'c0daecc84bfad185',
  source: 'alertmanager',
  name: 'HighErrorRate',
  status: 'firing',
  labels: { alertname: 'HighErrorRate', idc: 'sha' },
  annotations: { summary: 'HighErrorRate in sha' },
  startsAt: 1000,
  endsAt: null,
  generatorUrl: null,
};

describe('alertChanged', () => {
  it.each<[AlertStatus | null, AlertStatus, boolean]>([
    [null, 'firing', true],
    [null, 'resolved', false],
    ['resolved', 'firing', true],
    ['firing', 'resolved', true],
    ['firing', 'firing', false],
    ['resolved', 'resolved', false],
  ])('%s -> %s: %s', (before, after, expected) => {
    expect(alertChanged(before, after)).toBe(expected);
  });
});

describe('alertReason', () => {
  it.each([
    ['name and summary', ALERT, 'HighErrorRate: HighErrorRate in sha'],
    ['no summary', { ...ALERT, annotations: { description: 'x' } }, 'HighErrorRate'],
    ['no name', { ...ALERT, name: '' }, '(no alertname): HighErrorRate in sha'],
  ])('%s', (_title, alert, expected) => {
    expect(alertReason(alert)).toBe(expected);
  });

  it('cuts a long summary at 500 characters', () => {
    const reason = alertReason({ ...ALERT, annotations: { summary: 'y'.repeat(1000) } });
    expect(reason).toHaveLength(500);
    expect(reason.endsWith('…')).toBe(true);
  });
});

describe('alertExpiredEvent', () => {
  const target = { service: 'live-edge', idc: 'sha', endpoint: null };

  it.each([
    ['endsAt', 'HighErrorRate: HighErrorRate in sha (ended: its endsAt passed)'],
    [
      'resolveAfter',
      'HighErrorRate: HighErrorRate in sha (ended: not received again within alerts.resolveAfter)',
    ],
  ] as const)('a firing -> resolved event saying why (%s)', (cause, reason) => {
    const event = alertExpiredEvent({ ...ALERT, endsAt: 4000 }, target, cause, 5000);
    expect(event).toMatchObject({
      before: 'firing',
      after: 'resolved',
      reason,
      at: 5000,
      service: 'live-edge',
    });
    expect(event.details).toMatchObject({ expired: cause, endsAt: 4000 });
  });

  it('keeps the note whole when the summary is long', () => {
    const long = { ...ALERT, annotations: { summary: 'y'.repeat(1000) } };
    const { reason } = alertExpiredEvent(long, target, 'endsAt', 5000);
    expect(reason).toHaveLength(500);
    expect(reason.endsWith('… (ended: its endsAt passed)')).toBe(true);
  });
});

describe('alertEvent', () => {
  it('is a timeline event of kind alert, with only the target fields known', () => {
    expect(alertEvent(ALERT, { service: null, idc: 'sha', endpoint: null }, null, 5000)).toEqual({
      kind: 'alert',
      at: 5000,
      idc: 'sha',
      before: 'new',
      after: 'firing',
      reason: 'HighErrorRate: HighErrorRate in sha',
      details: {
        fingerprint: 'c0daecc84bfad185',
        source: 'alertmanager',
        labels: ALERT.labels,
        annotations: ALERT.annotations,
        startsAt: 1000,
        endsAt: null,
      },
    });
  });
});
