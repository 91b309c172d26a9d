/**
 * Plain-text rendering of the API's answers: plans (terraform-like), tables (kubectl-like).
 * Pure functions over the JSON the API returns, so they are unit-tested without a server. The input
 * types come from the OpenAPI document (@libs/api-client), narrowed to the fields shown.
 */
import type { components } from '@libs/api-client';

type Schemas = components['schemas'];

/**
 * One changed field. The document types `before` and `after` as objects, but they are any JSON value
 * (a number, a string, a list...): read as unknown.
 */
export type FieldChange = Omit<Schemas['FieldChangeDto'], 'before' | 'after'> & {
  before?: unknown;
  after?: unknown;
};

export type PlanChange = Omit<Schemas['PlanChangeDto'], 'fields'> & { fields?: FieldChange[] };

export type PlanSummary = Schemas['PlanSummaryDto'];

export type Plan = Omit<Schemas['PlanDto'], 'changes'> & { changes: PlanChange[] };

/** The answer of `PUT /config` and `POST /config/versions/:n/restore`. */
export type ApplyResult = Omit<Schemas['ApplyResultDto'], 'plan'> & { plan: Plan };

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export type VersionSummary = Schemas['VersionSummaryDto'];

export type IdcItem = Pick<Schemas['IdcDto'], 'name' | 'region' | 'capacity' | 'labels'>;

export type ServiceItem = Pick<Schemas['ServiceSummaryDto'], 'name' | 'labels' | 'endpointCount'>;

const OP_SIGN: Record<string, string> = { create: '+', update: '~', delete: '-' };

/** A field value in a plan: strings quoted (as terraform does), other values as compact JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(none)';
  return JSON.stringify(value) ?? String(value);
}

/** `+ service live-edge`, `~ idc sha` with `  capacity: 1000 -> 1200` lines, `- rule old`. */
export function renderChanges(plan: Plan): string[] {
  return plan.changes.flatMap((change) => [
    `${OP_SIGN[change.op] ?? '?'} ${change.kind} ${change.name}`,
    ...(change.fields ?? []).map((f) => `  ${f.path}: ${formatValue(f.before)} -> ${formatValue(f.after)}`),
  ]);
}

const counts = (s: PlanSummary) => `${s.create} to create, ${s.update} to update, ${s.delete} to delete`;

const hasChanges = (plan: Plan) => plan.changes.length > 0;

/** `vigil plan`: the changes, then `Plan: ... (against version 3).` or `No changes. Version 3 is current.` */
export function renderPlanResult(result: ApplyResult): string {
  if (!hasChanges(result.plan)) {
    return result.version > 0
      ? `No changes. Version ${result.version} is current.`
      : 'No changes. No config has been applied yet.';
  }
  const against = result.version > 0 ? `against version ${result.version}` : 'nothing applied yet';
  return [...renderChanges(result.plan), '', `Plan: ${counts(result.plan.summary)} (${against}).`].join('\n');
}

/** `vigil apply`: the changes, then `Applied version 4.` or `No changes; version 3 stays current.` */
export function renderApplyResult(result: ApplyResult): string {
  if (!result.changed) return `No changes; version ${result.version} stays current.`;
  return [...renderChanges(result.plan), '', `Applied version ${result.version}.`].join('\n');
}

/** `vigil restore N`: as apply, naming the version restored. */
export function renderRestoreResult(result: ApplyResult, from: number): string {
  if (!result.changed)
    return `No changes; version ${result.version} stays current (it matches version ${from}).`;
  return [...renderChanges(result.plan), '', `Restored version ${from} as version ${result.version}.`].join(
    '\n',
  );
}

/** `vigil diff N --against M`: what changes going from version M (0: nothing) to version N. */
export function renderDiff(plan: Plan, version: number, against: number): string {
  const from = against > 0 ? `version ${against}` : 'an empty config';
  if (!hasChanges(plan)) return `No differences between ${from} and version ${version}.`;
  return [...renderChanges(plan), '', `${counts(plan.summary)} (${from} -> version ${version}).`].join('\n');
}

/** One table column; a later STATE column is one more entry in a column list. */
export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
}

/** A kubectl-like table: upper-case headers, columns two spaces apart, no trailing spaces. */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string[] {
  const cells = rows.map((row) => columns.map((c) => c.value(row).replace(/\s*\n\s*/g, ' ')));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)];
}

/** `team=streaming,tier=core`, sorted by key; `<none>` when empty (as kubectl). */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

/** A short age: `45s`, `12m`, `5h`, `3d`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** `2026-05-01 10:00:00Z`; anything unparsable is shown as it came. */
export function formatTimestamp(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return t
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

const ageOf = (iso: string, now: Date) => {
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? '?' : formatAge(now.getTime() - t);
};

export const idcColumns: readonly Column<IdcItem>[] = [
  { header: 'name', value: (i) => i.name },
  { header: 'region', value: (i) => i.region ?? '-' },
  { header: 'capacity', value: (i) => String(i.capacity), align: 'right' },
  { header: 'labels', value: (i) => formatLabels(i.labels) },
];

export const serviceColumns: readonly Column<ServiceItem>[] = [
  { header: 'name', value: (s) => s.name },
  { header: 'endpoints', value: (s) => String(s.endpointCount), align: 'right' },
  { header: 'labels', value: (s) => formatLabels(s.labels) },
];

export const versionColumns = (now: Date): readonly Column<VersionSummary>[] => [
  { header: 'version', value: (v) => String(v.version), align: 'right' },
  { header: 'created', value: (v) => formatTimestamp(v.createdAt) },
  { header: 'age', value: (v) => ageOf(v.createdAt, now) },
  { header: 'author', value: (v) => v.author },
  { header: 'changes', value: (v) => `+${v.summary.create} ~${v.summary.update} -${v.summary.delete}` },
  { header: 'message', value: (v) => v.message ?? '' },
];

/** A titled table: `IDCs (3)`, the table, and a note when the page does not hold every row. */
function section<T>(title: string, columns: readonly Column<T>[], page: Page<T>, empty: string): string[] {
  if (page.total === 0 && page.items.length === 0) return [`${title} (0)`, empty];
  const shown =
    page.items.length < page.total
      ? [`(showing ${page.offset + 1}-${page.offset + page.items.length} of ${page.total})`]
      : [];
  return [`${title} (${page.total})`, ...renderTable(columns, page.items), ...shown];
}

/** The current version as a few `key: value` lines, or a hint when nothing was applied yet. */
export function renderCurrentVersion(version: VersionSummary | null | undefined, now: Date): string[] {
  if (!version) return ['No config has been applied yet (vigil apply -f <file>).'];
  const restored = version.restoredFrom != null ? ` (restored from version ${version.restoredFrom})` : '';
  return [
    `Config version ${version.version}${restored}`,
    `  author:  ${version.author}`,
    `  applied: ${formatTimestamp(version.createdAt)} (${ageOf(version.createdAt, now)} ago)`,
    `  message: ${version.message ?? '-'}`,
  ];
}

type IdcHealth = Pick<
  Schemas['IdcStatusDto'],
  'idc' | 'state' | 'reason' | 'score' | 'healthyCapacity' | 'totalCapacity' | 'weight' | 'since'
>;

/** GET /api/v1/status, as far as the CLI shows it (`stale` and `vantages` are missing from older servers). */
export type HealthStatus = Pick<Schemas['StatusDto'], 'generatedAt'> &
  Partial<Pick<Schemas['StatusDto'], 'stale' | 'vantages'>> & {
    services: Array<{ service: string; idcs: IdcHealth[] }>;
  };

type HealthRow = HealthStatus['services'][number]['idcs'][number] & { service: string };

export const healthColumns = (now: Date): readonly Column<HealthRow>[] => [
  { header: 'service', value: (r) => r.service },
  { header: 'idc', value: (r) => r.idc },
  { header: 'state', value: (r) => (r.reason && r.reason !== 'ok' ? `${r.state} (${r.reason})` : r.state) },
  { header: 'score', value: (r) => String(r.score), align: 'right' },
  // A flapping endpoint counts by its success share, so healthy capacity can be fractional.
  {
    header: 'healthy',
    value: (r) => `${Number(r.healthyCapacity.toFixed(2))}/${r.totalCapacity}`,
    align: 'right',
  },
  { header: 'weight', value: (r) => String(r.weight), align: 'right' },
  { header: 'since', value: (r) => formatAge(now.getTime() - r.since) },
];

/** The health of every service in every IDC, or why there is none yet. */
export function renderHealth(health: HealthStatus | undefined, now: Date): string[] {
  if (!health) return ['Health: not available from this server.'];
  if (health.generatedAt === null) return ['Health: no controller has published a status yet.'];
  const rows = health.services.flatMap((s) => s.idcs.map((i) => ({ ...i, service: s.service })));
  const vantages = health.vantages
    ? `live vantages: ${health.vantages.live.join(', ') || 'none'}${health.vantages.suspect.length ? `; suspect: ${health.vantages.suspect.join(', ')}` : ''}`
    : '';
  const title = `Health (${formatAge(now.getTime() - health.generatedAt)} ago${health.stale ? ', STALE: is a controller running?' : ''}) ${vantages}`;
  return [title.trimEnd(), ...(rows.length ? renderTable(healthColumns(now), rows) : ['No services.'])];
}

export interface StatusInput {
  versions: Page<VersionSummary>;
  idcs: Page<IdcItem>;
  services: Page<ServiceItem>;
  health?: HealthStatus;
}

/** `vigil status`: the current version, the health of each service per IDC, the IDCs and the services. */
export function renderStatus(input: StatusInput, now: Date = new Date()): string {
  return [
    ...renderCurrentVersion(input.versions.items[0], now),
    '',
    ...renderHealth(input.health, now),
    '',
    ...section('IDCs', idcColumns, input.idcs, 'No IDCs.'),
    '',
    ...section('Services', serviceColumns, input.services, 'No services.'),
  ].join('\n');
}

/** `vigil versions`: newest first. */
export function renderVersions(page: Page<VersionSummary>, now: Date = new Date()): string {
  return section('Versions', versionColumns(now), page, 'No config has been applied yet.').join('\n');
}
