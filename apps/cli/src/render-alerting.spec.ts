import {
  alertSummary,
  describeFilters,
  formatSpan,
  relativeTime,
  renderAlerts,
  renderExpired,
  renderNotifications,
  renderResent,
  renderSilences,
  truncate,
  type AlertItem,
  type NotificationItem,
  type SilenceItem,
} from './render-alerting';

const now = new Date('2026-05-01T10:05:00Z');

const firing: AlertItem = {
  fingerprint: 'c0daecc84bfad185',
  source: 'alertmanager',
  name: 'HighErrorRate',
  status: 'firing',
  labels: { alertname: 'HighErrorRate', service: 'live-edge', idc: 'sha' },
  annotations: { summary: '5xx above 5% on sha', description: 'long text' },
  service: 'live-edge',
  idc: 'sha',
  endpoint: 'sha-edge-1:443',
  startsAt: '2026-05-01T10:00:00.000Z',
  endsAt: null,
  updatedAt: '2026-05-01T10:04:00.000Z',
};
const resolved: AlertItem = {
  ...firing,
  fingerprint: 'aa',
  name: 'DiskFull',
  status: 'resolved',
  annotations: { description: 'disk at 99%' },
  service: null,
  idc: null,
  endpoint: null,
  startsAt: '2026-05-01T08:00:00.000Z',
  endsAt: '2026-05-01T10:04:30.000Z',
};

describe('renderAlerts', () => {
  it('shows status, where, how long, and the summary annotation', () => {
    expect(renderAlerts({ items: [firing, resolved], next: null }, {}, now)).toBe(
      [
        'STATUS    NAME           SERVICE    IDC  ENDPOINT        SINCE  SUMMARY',
        'firing    HighErrorRate  live-edge  sha  sha-edge-1:443  5m     5xx above 5% on sha',
        'resolved  DiskFull       -          -    -               30s    disk at 99%',
      ].join('\n'),
    );
  });

  it('says how to get the next page', () => {
    expect(
      renderAlerts({ items: [firing], next: 'YWwxOjE' }, {}, now)
        .split('\n')
        .pop(),
    ).toBe('(more: add --cursor YWwxOjE)');
  });

  it('says when nothing matches, naming the filters', () => {
    expect(renderAlerts({ items: [], next: null }, {}, now)).toBe('No alerts.');
    expect(
      renderAlerts({ items: [], next: null }, { status: 'firing', idc: 'sha', service: undefined }),
    ).toBe('No alerts with status=firing, idc=sha.');
  });
});

describe('alertSummary', () => {
  it('prefers summary, then description, then message', () => {
    expect(alertSummary(firing)).toBe('5xx above 5% on sha');
    expect(alertSummary(resolved)).toBe('disk at 99%');
    expect(alertSummary({ annotations: { message: 'grafana says' } })).toBe('grafana says');
    expect(alertSummary({ annotations: {} })).toBe('');
  });
});

const failed: NotificationItem = {
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  incidentKey: 'idc.state:live-edge:sha',
  event: 'idc.state',
  phase: 'trigger',
  severity: 'critical',
  channel: 'pd',
  title: 'live-edge in sha is UNHEALTHY',
  state: 'failed',
  attempts: 5,
  lastError: 'HTTP 503 from https://events.pagerduty.com/v2/enqueue',
  createdAt: '2026-05-01T10:00:00.123Z',
  deliveredAt: null,
};
const delivered: NotificationItem = {
  ...failed,
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  channel: 'slack-sre',
  phase: 'resolve',
  severity: 'warning',
  state: 'delivered',
  attempts: 1,
  lastError: null,
  createdAt: '2026-05-01T10:04:00.000Z',
  deliveredAt: '2026-05-01T10:04:01.000Z',
};

describe('renderNotifications', () => {
  it('shows time, state, where, what, attempts, the last error and the id to resend', () => {
    expect(renderNotifications({ items: [delivered, failed], next: null })).toBe(
      [
        'TIME                  STATE      CHANNEL    EVENT      PHASE    SEVERITY  TITLE                          ATTEMPTS  LAST ERROR                                             ID',
        '2026-05-01 10:04:00Z  delivered  slack-sre  idc.state  resolve  warning   live-edge in sha is UNHEALTHY         1                                                         7c9e6679-7425-40de-944b-e07fc1f90ae7',
        '2026-05-01 10:00:00Z  failed     pd         idc.state  trigger  critical  live-edge in sha is UNHEALTHY         5  HTTP 503 from https://events.pagerduty.com/v2/enqueue  0f8fad5b-d9cb-469f-a165-70867728950e',
      ].join('\n'),
    );
  });

  it('cuts long titles and errors (the JSON output keeps them whole), and says when there are none', () => {
    const long = { ...failed, title: 't'.repeat(100), lastError: 'e'.repeat(200) };
    const row = renderNotifications({ items: [long], next: 'bnQx' }).split('\n');
    expect(row[1]).toContain(`${'t'.repeat(59)}…`);
    expect(row[1]).toContain(`${'e'.repeat(79)}…`);
    expect(row[1]).not.toContain('t'.repeat(60));
    expect(row[2]).toBe('(more: add --cursor bnQx)');
    expect(renderNotifications({ items: [], next: null }, { state: 'failed', channel: undefined })).toBe(
      'No notifications with state=failed.',
    );
  });

  it('confirms a re-send', () => {
    expect(renderResent(failed)).toBe(
      'Notification 0f8fad5b-d9cb-469f-a165-70867728950e (pd: live-edge in sha is UNHEALTHY) is queued for delivery again.',
    );
  });
});

const active: SilenceItem = {
  id: '3b241101-e2bb-4255-8caf-4136c566a962',
  matchers: [
    { label: 'idc', op: '=', value: 'sha' },
    { label: 'severity', op: '=~', value: 'warn.*' },
  ],
  startsAt: '2026-05-01T10:00:00.000Z',
  endsAt: '2026-05-01T12:00:00.000Z',
  comment: 'sha maintenance, CHG-1234',
  createdBy: 'alice',
  createdAt: '2026-05-01T10:00:00.000Z',
  state: 'active',
};
const pending: SilenceItem = {
  ...active,
  id: '9a2c1b3e-0000-4000-8000-000000000001',
  matchers: [{ label: 'rule', op: '!=', value: 'a, b' }],
  startsAt: '2026-05-02T00:00:00.000Z',
  endsAt: '2026-05-02T02:00:00.000Z',
  comment: 'c'.repeat(70),
  state: 'pending',
};

describe('renderSilences', () => {
  it('shows id, state, matchers as typed, the window relative to now, author and comment', () => {
    expect(renderSilences([active, pending], 'active or pending silences', now)).toBe(
      [
        'ID                                    STATE    MATCHERS                   STARTS                            ENDS                              BY     COMMENT',
        '3b241101-e2bb-4255-8caf-4136c566a962  active   idc=sha, severity=~warn.*  2026-05-01 10:00:00Z (5m ago)     2026-05-01 12:00:00Z (in 1h55m)   alice  sha maintenance, CHG-1234',
        `9a2c1b3e-0000-4000-8000-000000000001  pending  rule!="a, b"               2026-05-02 00:00:00Z (in 13h55m)  2026-05-02 02:00:00Z (in 15h55m)  alice  ${'c'.repeat(59)}…`,
      ].join('\n'),
    );
  });

  it('names what it looked for when there is none', () => {
    expect(renderSilences([], 'active or pending silences', now)).toBe('No active or pending silences.');
  });

  it('confirms an expiry', () => {
    expect(renderExpired({ ...active, state: 'expired' })).toBe(
      'Expired silence 3b241101-e2bb-4255-8caf-4136c566a962 (idc=sha, severity=~warn.*): matching notifications are sent again.',
    );
  });
});

describe('small helpers', () => {
  it('truncate marks the cut', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abcde…');
  });

  it('formatSpan shows the two largest units', () => {
    expect(formatSpan(-5)).toBe('0s');
    expect(formatSpan(999)).toBe('0s');
    expect(formatSpan(45_000)).toBe('45s');
    expect(formatSpan(12 * 60_000 + 30_999)).toBe('12m30s');
    expect(formatSpan(115 * 60_000 + 59_000)).toBe('1h55m');
    expect(formatSpan(2 * 86_400_000 + 59_000)).toBe('2d');
    expect(formatSpan(3 * 3_600_000)).toBe('3h');
  });

  it('relativeTime says ahead or behind', () => {
    expect(relativeTime('2026-05-01T12:05:00Z', now)).toBe('in 2h');
    expect(relativeTime('2026-05-01T12:04:00Z', now)).toBe('in 1h59m');
    expect(relativeTime('2026-05-01T10:04:15Z', now)).toBe('45s ago');
    expect(relativeTime('never', now)).toBe('?');
  });

  it('describeFilters skips unset ones', () => {
    expect(describeFilters({ state: 'failed', channel: undefined, event: '', limit: 5 })).toBe(
      'state=failed, limit=5',
    );
  });
});
