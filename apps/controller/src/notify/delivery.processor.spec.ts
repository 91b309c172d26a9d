import { NotificationEntity } from '@libs/persistence';
import { toNotice } from './delivery.processor';

/** A row as the notifier records it (notification-store.ts): dedup key `<notice id>:<channel>`. */
function row(channel: string, over: Partial<NotificationEntity> = {}): NotificationEntity {
  return Object.assign(new NotificationEntity(), {
    id: `row-${channel}`,
    dedupKey: `idc/live/sha/1000:trigger:2000:${channel}`,
    incidentKey: 'idc/live/sha/1000',
    event: 'idc.state',
    phase: 'trigger',
    severity: 'critical',
    channel,
    title: 'live in sha is UNHEALTHY',
    text: '3 of 4 endpoints down',
    labels: { service: 'live', idc: 'sha' },
    details: { state: 'UNHEALTHY', resolvable: true, at: '2030-01-02T03:04:05.000Z' },
    createdAt: new Date(5000),
    ...over,
  });
}

describe('toNotice', () => {
  it("gives every channel the notice's own id, without the channel suffix of the dedup key", () => {
    expect(['hook', 'pd', 'ops:eu'].map((channel) => toNotice(row(channel)).id)).toEqual([
      'idc/live/sha/1000:trigger:2000',
      'idc/live/sha/1000:trigger:2000',
      'idc/live/sha/1000:trigger:2000',
    ]);
  });

  it('takes resolvable and at out of the details', () => {
    expect(toNotice(row('hook'))).toMatchObject({
      resolvable: true,
      at: Date.parse('2030-01-02T03:04:05.000Z'),
      details: { state: 'UNHEALTHY' },
    });
    expect(toNotice(row('hook', { details: {} }))).toMatchObject({
      resolvable: false,
      at: 5000,
      details: {},
    });
  });
});
