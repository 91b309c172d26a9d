/**
 * The rules engine's rules with their per-target state, from `GET /api/v1/automation/rules`. That
 * route is being added on another branch and is not in the generated client yet: until it is, this
 * module holds a local type, reads it with a same-origin `fetch`, and normalises whatever shape comes
 * back (a list of items, or `{items}`; per-target states or per-rule fields). Replace with
 * `api.GET('/api/v1/automation/rules')` and `Schema<...>` once the route is generated.
 */

export type RuleTargetState = 'inactive' | 'pending' | 'firing' | 'cooldown' | 'disabled';

export interface RuleTarget {
  service: string | null;
  idc: string | null;
  state: string;
  pendingSince: string | number | null;
  lastFiredAt: string | number | null;
  cooldownUntil: string | number | null;
  cooldownLeftMs: number | null;
}

export interface RuleState {
  rule: string;
  when: string | null;
  action: string | null;
  mode: string | null;
  /** Per (service, IDC) states; a rule that reports per-rule fields gives one target without scope. */
  targets: RuleTarget[];
}

/** Why the rules could not be shown: the route is missing (404) or answered something else. */
export class RuleStatesUnavailable extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const time = (v: unknown): string | number | null =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? v : null;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Describes a `when`/`action` that may be a string or an object (e.g. `{ shift-away: ... }`). */
function describe(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return null;
  }
}

function toTarget(t: Record<string, unknown>): RuleTarget {
  return {
    service: str(t.service),
    idc: str(t.idc),
    state: str(t.state) ?? 'unknown',
    pendingSince: time(t.pendingSince),
    lastFiredAt: time(t.lastFiredAt),
    cooldownUntil: time(t.cooldownUntil),
    cooldownLeftMs: num(t.cooldownLeftMs),
  };
}

/** Reads the answer defensively: unknown fields are ignored, missing ones become null. */
export function normaliseRuleStates(body: unknown): RuleState[] {
  const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.items) ? body.items : [];
  return list.filter(isRecord).map((r) => {
    const targets = Array.isArray(r.targets) ? r.targets.filter(isRecord).map(toTarget) : [];
    return {
      rule: str(r.rule) ?? str(r.name) ?? '(unnamed)',
      when: describe(r.when),
      action: describe(r.action),
      mode: str(r.mode),
      targets: targets.length || !('state' in r) ? targets : [toTarget(r)],
    };
  });
}

/** `GET /api/v1/automation/rules` with the session cookie. */
export async function fetchRuleStates(signal?: AbortSignal): Promise<RuleState[]> {
  const response = await fetch('/api/v1/automation/rules', {
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    signal,
  });
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    const message = isRecord(body) && typeof body.message === 'string' ? body.message : response.statusText;
    throw new RuleStatesUnavailable(
      response.status,
      response.status === 404
        ? 'This Vigil does not report rule states yet (GET /api/v1/automation/rules is not available).'
        : `${response.status} ${message}`,
    );
  }
  return normaliseRuleStates(await response.json());
}
