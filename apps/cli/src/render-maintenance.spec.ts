import { parseLabels } from './maintenance-commands';
import {
  renderMaintenanceCancelled,
  renderMaintenanceCreated,
  renderMaintenanceWindows,
  type MaintenanceWindow,
} from './render-maintenance';

const now = new Date('2026-05-01T10:00:00Z');
const weekly: MaintenanceWindow = {
  id: '0b0e7c2c-5a3f-4d0e-9a63-2f1d2b9e8f11',
  reason: 'patch Tuesday',
  kind: 'rrule',
  startsAt: '2026-04-01T00:00:00.000Z',
  endsAt: null,
  rrule: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0',
  cron: null,
  timezone: 'Europe/Berlin',
  duration: '2h',
  until: null,
  services: [],
  idcs: ['sha'],
  labels: { tier: 'batch' },
  freeze: true,
  silence: false,
  createdBy: 'ops',
  createdAt: '2026-04-01T00:00:00.000Z',
  cancelledAt: null,
  cancelledBy: null,
  version: 1,
  active: false,
  state: 'scheduled',
  next: [{ start: '2026-05-05T00:00:00.000Z', end: '2026-05-05T02:00:00.000Z' }],
};

describe('vigil maintenance output', () => {
  it('lists windows with their next occurrence, schedule, scope and effects', () => {
    expect(renderMaintenanceWindows([weekly], 'maintenance windows', now).split('\n')).toEqual([
      'ID                                    STATE      NEXT                             SCHEDULE                                                         SCOPE                                      EFFECTS  REASON',
      '0b0e7c2c-5a3f-4d0e-9a63-2f1d2b9e8f11  scheduled  2026-05-05 00:00:00Z (in 3d14h)  rrule FREQ=WEEKLY;BYDAY=TU;BYHOUR=2;BYMINUTE=0 Europe/Berlin 2h  services all; idcs sha; labels tier=batch  freeze   patch Tuesday',
    ]);
    expect(renderMaintenanceWindows([], 'active maintenance windows', now)).toBe(
      'No active maintenance windows.',
    );
  });

  it('says what was created and cancelled', () => {
    const once: MaintenanceWindow = {
      ...weekly,
      kind: 'once',
      rrule: null,
      timezone: null,
      duration: null,
      endsAt: '2026-05-01T11:00:00.000Z',
      startsAt: '2026-05-01T09:00:00.000Z',
      silence: true,
      active: true,
      state: 'active',
      next: [{ start: '2026-05-01T09:00:00.000Z', end: '2026-05-01T11:00:00.000Z' }],
    };
    expect(renderMaintenanceCreated(once, now)).toBe(
      `${weekly.id}\nonce 2026-05-01 09:00:00Z - 2026-05-01 11:00:00Z: freeze+silence for services all; idcs sha; labels tier=batch; in force now, until 2026-05-01 11:00:00Z (in 1h)`,
    );
    expect(renderMaintenanceCancelled(once)).toBe(
      `Cancelled maintenance window ${weekly.id} (services all; idcs sha; labels tier=batch): no occurrence from now on.`,
    );
  });

  it('reads --label name=value and refuses anything else', () => {
    expect(parseLabels(['tier=gold', 'team=a=b'])).toEqual({ tier: 'gold', team: 'a=b' });
    expect(parseLabels(undefined)).toBeUndefined();
    expect(() => parseLabels(['tier'])).toThrow('--label must be name=value, got "tier"');
  });
});
