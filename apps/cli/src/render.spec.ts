import {
  formatAge,
  formatLabels,
  formatTimestamp,
  formatValue,
  renderApplyResult,
  renderChanges,
  renderDiff,
  renderPlanResult,
  renderRestoreResult,
  renderStatus,
  renderTable,
  renderVersions,
  type ApplyResult,
  type Column,
  type Plan,
  type StatusInput,
  type VersionSummary,
  type HealthStatus,
} from './render';

const plan: Plan = {
  changes: [
    { kind: 'idc', name: 'sha', op: 'update', fields: [{ path: 'capacity', before: 1000, after: 1200 }] },
    { kind: 'service', name: 'live-edge', op: 'create' },
    { kind: 'rule', name: 'old', op: 'delete' },
  ],
  summary: { create: 1, update: 1, delete: 1 },
};
const empty: Plan = { changes: [], summary: { create: 0, update: 0, delete: 0 } };
const result = (over: Partial<ApplyResult>): ApplyResult => ({
  version: 3,
  changed: false,
  dryRun: false,
  plan: empty,
  ...over,
});

describe('formatValue', () => {
  it('quotes strings and shows other values as compact JSON', () => {
    expect(formatValue(1200)).toBe('1200');
    expect(formatValue('cn-east')).toBe('"cn-east"');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(null)).toBe('null');
    expect(formatValue({ tier: 'core' })).toBe('{"tier":"core"}');
    expect(formatValue([1, 2])).toBe('[1,2]');
    expect(formatValue(undefined)).toBe('(none)');
  });
});

describe('renderChanges', () => {
  it('marks creates +, updates ~ with their fields, deletes -', () => {
    expect(renderChanges(plan)).toEqual([
      '~ idc sha',
      '  capacity: 1000 -> 1200',
      '+ service live-edge',
      '- rule old',
    ]);
  });

  it('shows a field added or removed by an update as (none) on its missing side', () => {
    const p: Plan = {
      changes: [
        {
          kind: 'service',
          name: 'origin',
          op: 'update',
          fields: [
            { path: 'labels.team', after: 'streaming' },
            { path: 'endpoints[sha-1]', before: { idc: 'sha' } },
          ],
        },
      ],
      summary: { create: 0, update: 1, delete: 0 },
    };
    expect(renderChanges(p)).toEqual([
      '~ service origin',
      '  labels.team: (none) -> "streaming"',
      '  endpoints[sha-1]: {"idc":"sha"} -> (none)',
    ]);
  });
});

describe('renderPlanResult', () => {
  it('ends with the counts and the version planned against', () => {
    expect(renderPlanResult(result({ dryRun: true, plan }))).toBe(
      [
        '~ idc sha',
        '  capacity: 1000 -> 1200',
        '+ service live-edge',
        '- rule old',
        '',
        'Plan: 1 to create, 1 to update, 1 to delete (against version 3).',
      ].join('\n'),
    );
  });

  it('says when nothing changes', () => {
    expect(renderPlanResult(result({ dryRun: true }))).toBe('No changes. Version 3 is current.');
  });

  it('says when nothing was applied yet', () => {
    const first: Plan = { changes: [plan.changes[1]], summary: { create: 1, update: 0, delete: 0 } };
    expect(renderPlanResult(result({ version: 0, dryRun: true, plan: first }))).toBe(
      '+ service live-edge\n\nPlan: 1 to create, 0 to update, 0 to delete (nothing applied yet).',
    );
    expect(renderPlanResult(result({ version: 0, dryRun: true }))).toBe(
      'No changes. No config has been applied yet.',
    );
  });
});

describe('renderApplyResult and renderRestoreResult', () => {
  it('names the new version', () => {
    expect(
      renderApplyResult(result({ version: 4, changed: true, plan }))
        .split('\n')
        .slice(-2),
    ).toEqual(['', 'Applied version 4.']);
    expect(
      renderRestoreResult(result({ version: 5, changed: true, plan }), 2)
        .split('\n')
        .pop(),
    ).toBe('Restored version 2 as version 5.');
  });

  it('says the current version stays when nothing changed', () => {
    expect(renderApplyResult(result({}))).toBe('No changes; version 3 stays current.');
    expect(renderRestoreResult(result({}), 3)).toBe(
      'No changes; version 3 stays current (it matches version 3).',
    );
  });
});

describe('renderDiff', () => {
  it('names both versions', () => {
    expect(renderDiff(plan, 4, 2).split('\n').pop()).toBe(
      '1 to create, 1 to update, 1 to delete (version 2 -> version 4).',
    );
    expect(renderDiff(empty, 4, 0)).toBe('No differences between an empty config and version 4.');
  });
});

describe('renderTable', () => {
  interface Row {
    name: string;
    n: number;
  }
  const columns: Column<Row>[] = [
    { header: 'name', value: (r) => r.name },
    { header: 'count', value: (r) => String(r.n), align: 'right' },
    { header: 'note', value: () => '' },
  ];

  it('pads columns two spaces apart, right-aligns numbers, trims line ends', () => {
    expect(
      renderTable(columns, [
        { name: 'sha', n: 400 },
        { name: 'live-edge', n: 8 },
      ]),
    ).toEqual(['NAME       COUNT  NOTE', 'sha          400', 'live-edge      8']);
  });

  it('prints only the header for no rows', () => {
    expect(renderTable(columns, [])).toEqual(['NAME  COUNT  NOTE']);
  });

  it('takes an added column without other changes (e.g. a later STATE)', () => {
    const withState = [...columns.slice(0, 1), { header: 'state', value: () => 'HEALTHY' }];
    expect(renderTable(withState, [{ name: 'sha', n: 1 }])).toEqual(['NAME  STATE', 'sha   HEALTHY']);
  });
});

describe('small formatters', () => {
  it('formatLabels sorts keys and shows <none> when empty', () => {
    expect(formatLabels({ tier: 'core', team: 'streaming' })).toBe('team=streaming,tier=core');
    expect(formatLabels({})).toBe('<none>');
    expect(formatLabels(null)).toBe('<none>');
  });

  it('formatAge picks the largest sensible unit', () => {
    expect(formatAge(-5)).toBe('0s');
    expect(formatAge(45_000)).toBe('45s');
    expect(formatAge(12 * 60_000)).toBe('12m');
    expect(formatAge(5 * 3_600_000)).toBe('5h');
    expect(formatAge(3 * 86_400_000)).toBe('3d');
  });

  it('formatTimestamp shows UTC to the second', () => {
    expect(formatTimestamp('2026-05-01T10:00:00.123Z')).toBe('2026-05-01 10:00:00Z');
    expect(formatTimestamp('not a date')).toBe('not a date');
  });
});

const now = new Date('2026-05-01T10:05:00Z');
const v3: VersionSummary = {
  version: 3,
  author: 'admin',
  message: 'raise sha',
  restoredFrom: null,
  createdAt: '2026-05-01T10:00:00.000Z',
  summary: { create: 0, update: 1, delete: 0 },
};

describe('renderStatus', () => {
  const input: StatusInput = {
    versions: { items: [v3], total: 3, limit: 1, offset: 0 },
    idcs: {
      items: [
        { name: 'sha', region: 'cn-east', capacity: 1200, labels: { tier: 'core' } },
        { name: 'szx', region: null, capacity: 200, labels: {} },
      ],
      total: 2,
      limit: 1000,
      offset: 0,
    },
    services: {
      items: [{ name: 'live-edge', labels: { team: 'streaming' }, endpointCount: 8 }],
      total: 1,
      limit: 1000,
      offset: 0,
    },
  };

  it('shows the current version, then the IDCs and services', () => {
    expect(renderStatus(input, now)).toBe(
      [
        'Config version 3',
        '  author:  admin',
        '  applied: 2026-05-01 10:00:00Z (5m ago)',
        '  message: raise sha',
        '',
        'Health: not available from this server.',
        '',
        'IDCs (2)',
        'NAME  REGION   CAPACITY  LABELS',
        'sha   cn-east      1200  tier=core',
        'szx   -             200  <none>',
        '',
        'Services (1)',
        'NAME       ENDPOINTS  LABELS',
        'live-edge          8  team=streaming',
      ].join('\n'),
    );
  });

  it('shows the health of each service per IDC, and a stale status', () => {
    const nowMs = now.getTime();
    const health: HealthStatus = {
      generatedAt: nowMs - 2000,
      stale: false,
      vantages: { live: ['bjs', 'sha'], suspect: ['hkg'] },
      services: [
        {
          service: 'live-edge',
          idcs: [
            {
              idc: 'bjs',
              state: 'HEALTHY',
              reason: 'ok',
              score: 100,
              healthyCapacity: 4,
              totalCapacity: 4,
              weight: 50,
              since: nowMs - 600_000,
            },
            {
              idc: 'sha',
              state: 'UNHEALTHY',
              reason: 'capacity',
              score: 12,
              healthyCapacity: 1.0999999999999999,
              totalCapacity: 4,
              weight: 50,
              since: nowMs - 30_000,
            },
          ],
        },
      ],
    };
    const text = renderStatus({ ...input, health }, now);
    expect(text).toContain(
      [
        'Health (2s ago) live vantages: bjs, sha; suspect: hkg',
        'SERVICE    IDC  STATE                 SCORE  HEALTHY  WEIGHT  SINCE',
        'live-edge  bjs  HEALTHY                 100      4/4      50  10m',
        'live-edge  sha  UNHEALTHY (capacity)     12    1.1/4      50  30s',
      ].join('\n'),
    );
    expect(renderStatus({ ...input, health: { ...health, stale: true } }, now)).toContain(
      'STALE: is a controller running?',
    );
    expect(renderStatus({ ...input, health: { generatedAt: null, services: [] } }, now)).toContain(
      'Health: no controller has published a status yet.',
    );
  });

  it('says when nothing was applied, and when a page does not hold every row', () => {
    const text = renderStatus(
      {
        versions: { items: [], total: 0, limit: 1, offset: 0 },
        idcs: { ...input.idcs, total: 5 },
        services: { items: [], total: 0, limit: 1000, offset: 0 },
      },
      now,
    );
    expect(text).toContain('No config has been applied yet (vigil apply -f <file>).');
    expect(text).toContain('IDCs (5)\n');
    expect(text).toContain('(showing 1-2 of 5)');
    expect(text).toContain('Services (0)\nNo services.');
  });

  it('notes a restored version', () => {
    const restored = { ...v3, version: 4, restoredFrom: 2, message: 'restore of version 2' };
    const text = renderStatus({ ...input, versions: { ...input.versions, items: [restored] } }, now);
    expect(text.split('\n')[0]).toBe('Config version 4 (restored from version 2)');
  });
});

describe('renderVersions', () => {
  it('lists versions with their change counts', () => {
    const v1 = { ...v3, version: 1, message: null, summary: { create: 12, update: 0, delete: 0 } };
    expect(renderVersions({ items: [v3, v1], total: 2, limit: 20, offset: 0 }, now)).toBe(
      [
        'Versions (2)',
        'VERSION  CREATED               AGE  AUTHOR  CHANGES    MESSAGE',
        '      3  2026-05-01 10:00:00Z  5m   admin   +0 ~1 -0   raise sha',
        '      1  2026-05-01 10:00:00Z  5m   admin   +12 ~0 -0',
      ].join('\n'),
    );
  });

  it('says when there are none', () => {
    expect(renderVersions({ items: [], total: 0, limit: 20, offset: 0 }, now)).toBe(
      'Versions (0)\nNo config has been applied yet.',
    );
  });
});
