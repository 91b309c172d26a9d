import { diffFields, FieldChange } from './plan-diff';
import { VigilConfig } from './schema';

export type PlanKind = 'idc' | 'service' | 'rule' | 'channel';
export type PlanOp = 'create' | 'update' | 'delete';

/** One created, updated or deleted IDC, service, rule or channel; updates list their changed fields. */
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

interface Named {
  name: string;
}

/**
 * Plans going from `current` (null: nothing applied yet) to `desired`. Objects are matched by name per
 * kind; the order is by kind (idc, service, rule, channel), then by name. Key order and list order of
 * named elements do not count as changes, so an identical config gives an empty plan. Both configs
 * should have their defaults applied (validated or stored). Secrets are compared without being shown.
 */
export function planConfig(current: VigilConfig | null, desired: VigilConfig): ConfigPlan {
  const changes = SECTIONS.flatMap(([kind, key]) => planSection(kind, current?.[key] ?? [], desired[key]));
  const summary = { create: 0, update: 0, delete: 0 };
  for (const change of changes) summary[change.op]++;
  return { changes, summary };
}

/** The differences between two config versions: the same as planConfig (kept as one implementation). */
export const diffConfigs: (from: VigilConfig | null, to: VigilConfig) => ConfigPlan = planConfig;

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
