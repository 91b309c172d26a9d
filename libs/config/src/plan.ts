import { isDefaulted } from './defaulted';
import { diffFields, FieldChange } from './plan-diff';
import { anyConfigSchemas, VigilConfig } from './schema';

export type PlanKind = 'idc' | 'service' | 'rule' | 'channel' | 'settings';
export type PlanOp = 'create' | 'update' | 'delete';

/**
 * One created, updated or deleted IDC, service, rule or channel; updates list their changed fields.
 * Settings sections (`notifications`, `alerts`) always exist, with their defaults when not written:
 * they are only ever updated (kind `settings`, named after the section).
 */
export interface PlanChange {
  kind: PlanKind;
  name: string;
  op: PlanOp;
  fields?: FieldChange[];
}

/** What applying a config changes. An empty `changes` means the apply is a no-op. */
export interface ConfigPlan {
  changes: PlanChange[];
  summary: Record<PlanOp, number>;
}

const SECTIONS: ReadonlyArray<[PlanKind, 'idcs' | 'services' | 'rules' | 'channels']> = [
  ['idc', 'idcs'],
  ['service', 'services'],
  ['rule', 'rules'],
  ['channel', 'channels'],
];

/** The settings sections, in document order. */
const SETTINGS = ['notifications', 'alerts'] as const;
type SettingsKey = (typeof SETTINGS)[number];

/** What a settings section is when it is not written (or when nothing was applied yet). */
const SETTINGS_DEFAULTS: Readonly<Record<SettingsKey, unknown>> = {
  notifications: anyConfigSchemas.notifications.parse({}),
  alerts: anyConfigSchemas.alerts.parse({}),
};

interface Named {
  name: string;
}

/**
 * Plans going from `current` (null: nothing applied yet) to `desired`. Objects are matched by name per
 * kind; the order is by kind (idc, service, rule, channel), then by name, then the settings sections
 * (notifications, alerts) as updates with their changed fields: a section not written, or not applied
 * yet, counts as its defaults. Key order, list order of named elements and explicit defaults do not
 * count as changes, so an identical config gives an empty plan; a document stored by an older version
 * is compared with the defaults of this one applied. Secrets are compared without being shown.
 */
export function planConfig(current: VigilConfig | null, desired: VigilConfig): ConfigPlan {
  const before = current === null ? null : withDefaults(current);
  const after = withDefaults(desired);
  const changes = [
    ...SECTIONS.flatMap(([kind, key]) => planSection(kind, before?.[key] ?? [], after[key] ?? [])),
    ...SETTINGS.flatMap((key) => planSettings(key, before?.[key], after[key])),
  ];
  const summary = { create: 0, update: 0, delete: 0 };
  for (const change of changes) summary[change.op]++;
  return { changes, summary };
}

/** The differences between two config versions: the same as planConfig (kept as one implementation). */
export const diffConfigs: (from: VigilConfig | null, to: VigilConfig) => ConfigPlan = planConfig;

/** The document with the current defaults applied; as it is when it does not fit the schema. */
function withDefaults(config: VigilConfig): Partial<VigilConfig> {
  if (isDefaulted(config)) return config;
  const parsed = anyConfigSchemas.config.safeParse(config);
  return parsed.success ? parsed.data : config;
}

function planSection(kind: PlanKind, before: readonly Named[], after: readonly Named[]): PlanChange[] {
  const old = new Map(before.map((item) => [item.name, item]));
  const next = new Map(after.map((item) => [item.name, item]));
  const names = [...new Set([...old.keys(), ...next.keys()])].sort();
  return names.flatMap((name): PlanChange[] => {
    const a = old.get(name);
    const b = next.get(name);
    if (a === undefined) return [{ kind, name, op: 'create' }];
    if (b === undefined) return [{ kind, name, op: 'delete' }];
    const fields = diffFields(a, b);
    return fields.length ? [{ kind, name, op: 'update', fields }] : [];
  });
}

function planSettings(key: SettingsKey, before: unknown, after: unknown): PlanChange[] {
  const fields = diffFields(before ?? SETTINGS_DEFAULTS[key], after ?? SETTINGS_DEFAULTS[key]);
  return fields.length ? [{ kind: 'settings', name: key, op: 'update', fields }] : [];
}
