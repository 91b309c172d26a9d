import { mergeAlert, settleAlert, type StoredAlertState } from './merge';
import type { AlertStatus, ReceivedAlert } from './types';

const T = 1_800_000_000_000;
const min = 60_000;

const received = (status: AlertStatus, startsAt: number, endsAt: number | null): ReceivedAlert => ({
  fingerprint: 'a1b2c3d4e5f60718',
  source: 'alertmanager',
  name: 'HighErrorRate',
  status,
  labels: { alertname: 'HighErrorRate', idc: 'sha' },
  annotations: {},
  startsAt,
  endsAt,
  generatorUrl: null,
});
const stored = (status: AlertStatus, startsAt: number, endsAt: number | null): StoredAlertState => ({
  status,
  startsAt,
  endsAt,
});

describe('mergeAlert', () => {
  it.each<[string, StoredAlertState, ReceivedAlert, ReturnType<typeof mergeAlert>]>([
    [
      'a repeat while firing keeps the first start',
      stored('firing', T, null),
      received('firing', T + min, null),
      { kind: 'update', startsAt: T },
    ],
    [
      'a resolve of the firing episode',
      stored('firing', T, null),
      received('resolved', T, T + 5 * min),
      { kind: 'update', startsAt: T },
    ],
    [
      'a resolve with no end time',
      stored('firing', T, null),
      received('resolved', T, null),
      { kind: 'update', startsAt: T },
    ],
    [
      'a late firing copy of the resolved episode is stale',
      stored('resolved', T, T + 5 * min),
      received('firing', T, null),
      { kind: 'stale' },
    ],
    [
      'a new episode after the resolve',
      stored('resolved', T, T + 5 * min),
      received('firing', T + 9 * min, null),
      { kind: 'update', startsAt: T + 9 * min },
    ],
    [
      'a new episode starting at the very end of the last',
      stored('resolved', T, T + 5 * min),
      received('firing', T + 5 * min, null),
      { kind: 'update', startsAt: T + 5 * min },
    ],
    [
      'a resolved alert without an end time takes any firing copy',
      stored('resolved', T, null),
      received('firing', T, null),
      { kind: 'update', startsAt: T },
    ],
    [
      "a late resolve of an earlier episode does not end today's",
      stored('firing', T + 9 * min, null),
      received('resolved', T, T + 5 * min),
      { kind: 'stale' },
    ],
    [
      'a late resolve of an earlier episode after the latest resolve',
      stored('resolved', T + 9 * min, T + 12 * min),
      received('resolved', T, T + 5 * min),
      { kind: 'stale' },
    ],
    [
      'a repeated resolve',
      stored('resolved', T, T + 5 * min),
      received('resolved', T, T + 5 * min),
      { kind: 'update', startsAt: T },
    ],
  ])('%s', (_name, before, incoming, expected) => {
    expect(mergeAlert(before, incoming)).toEqual(expected);
  });
});

describe('settleAlert', () => {
  it.each<[string, ReceivedAlert, AlertStatus]>([
    ['firing without an end stays firing', received('firing', T, null), 'firing'],
    ['firing until later stays firing', received('firing', T, T + 4 * min), 'firing'],
    ['firing with an end passed is resolved', received('firing', T, T - 1), 'resolved'],
    ['firing with an end right now is resolved', received('firing', T - min, T), 'resolved'],
    ['a resolve stays a resolve', received('resolved', T - min, T + min), 'resolved'],
  ])('%s', (_name, alert, status) => {
    const settled = settleAlert(alert, T);
    expect(settled).toEqual({ ...alert, status });
  });
});
