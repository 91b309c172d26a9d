import { DEFAULT_SECRET_REF_PREFIX, ENV_NAMES, type Env } from './env';
import { ConfigIssue, issueAt, PathSegment } from './path';
import { ENV_NAME_PATTERN, isSecret, isSecretRef } from './secret-types';

/**
 * Which environment variables a config may read through `secretRef`: those the host's operator set
 * aside for configs (named with `prefix`), never one of Vigil's own credentials or settings. Without
 * this, anyone who may apply a config could send VIGIL_ADMIN_TOKEN in a probe header to a host of theirs.
 */
export interface SecretRefPolicy {
  prefix: string;
  /** Refused whatever the prefix. */
  reserved: ReadonlySet<string>;
}

/** Read by the CLI (`vigil`), so possibly set where a server runs too. */
const CLI_NAMES = ['VIGIL_URL', 'VIGIL_TOKEN'];

/** The variables a secretRef may never name: every one Vigil reads. */
export const RESERVED_ENV_NAMES: ReadonlySet<string> = new Set([...ENV_NAMES, ...CLI_NAMES]);

/** The policy under the default VIGIL_SECRET_REF_PREFIX. */
export const DEFAULT_SECRET_REF_POLICY: SecretRefPolicy = {
  prefix: DEFAULT_SECRET_REF_PREFIX,
  reserved: RESERVED_ENV_NAMES,
};

/** The policy of a process, from its VIGIL_SECRET_REF_PREFIX. */
export function secretRefPolicy(env: Pick<Env, 'VIGIL_SECRET_REF_PREFIX'>): SecretRefPolicy {
  return { prefix: env.VIGIL_SECRET_REF_PREFIX, reserved: RESERVED_ENV_NAMES };
}

/** Why `name` may not be read through a secretRef, or null when it may. */
export function refusedSecretRef(name: string, policy: SecretRefPolicy): string | null {
  if (policy.reserved.has(name)) {
    return `${name} is one of Vigil's own variables and cannot be used as a secretRef`;
  }
  if (!name.startsWith(policy.prefix) || name.length === policy.prefix.length) {
    return (
      `must name a variable starting with "${policy.prefix}" (VIGIL_SECRET_REF_PREFIX), ` +
      `e.g. ${policy.prefix}PROBE_TOKEN: only those are set aside for configs`
    );
  }
  return null;
}

/**
 * An issue at `<secret path>.secretRef` for every secretRef the policy refuses, anywhere in `config`
 * (also in a raw document that failed the schema, which may hold YAML alias cycles: each object is
 * walked once per branch). Names that are not variable names at all are left to the schema, which
 * reports them at the same path.
 */
export function checkSecretRefs(config: unknown, policy: SecretRefPolicy): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const walk = (value: unknown, path: PathSegment[], ancestors: ReadonlySet<object>): void => {
    if (typeof value !== 'object' || value === null || ancestors.has(value)) return;
    if (isSecret(value) && isSecretRef(value)) {
      const refused = ENV_NAME_PATTERN.test(value.secretRef) && refusedSecretRef(value.secretRef, policy);
      if (refused) issues.push(issueAt([...path, 'secretRef'], refused));
      return;
    }
    const inner = new Set(ancestors).add(value);
    for (const [key, item] of Object.entries(value))
      walk(item, [...path, Array.isArray(value) ? Number(key) : key], inner);
  };
  walk(config, [], new Set());
  return issues;
}
