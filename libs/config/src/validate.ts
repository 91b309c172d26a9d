import { markDefaulted } from './defaulted';
import { configErrorMap } from './error-map';
import { uniqueIssues, zodIssueToIssues } from './issues';
import { ConfigIssue } from './path';
import { partialFromConfig, salvageConfig } from './salvage';
import { Config, configSchema } from './schema';
import { checkSemantics } from './semantics';
import { checkSecretRefs, DEFAULT_SECRET_REF_POLICY, SecretRefPolicy } from './secret-policy';

/** The outcome of validateConfig: the config with defaults applied, or every problem found. */
export type ValidationResult = { ok: true; config: Config } | { ok: false; details: ConfigIssue[] };

/**
 * Validates a parsed config document (from YAML or JSON): the schema (types, ranges, unknown keys),
 * then the semantics (unique names, references, timings, weights, secretRefs the `secretRefs` policy
 * allows), reporting every problem with its path. Semantic checks also run on the parts that passed
 * the schema when other parts did not.
 * On success the config has its defaults applied and every endpoint has a name.
 */
export function validateConfig(
  raw: unknown,
  secretRefs: SecretRefPolicy = DEFAULT_SECRET_REF_POLICY,
): ValidationResult {
  const parsed = configSchema.safeParse(raw, { error: configErrorMap });
  const schemaIssues = parsed.success ? [] : parsed.error.issues.flatMap(zodIssueToIssues);
  const partial = parsed.success ? partialFromConfig(parsed.data) : salvageConfig(raw);
  const semanticIssues = [
    ...checkSemantics(partial),
    ...checkSecretRefs(parsed.success ? parsed.data : raw, secretRefs),
  ];
  const details = byLocation(uniqueIssues([...schemaIssues, ...semanticIssues]));
  if (parsed.success && details.length === 0) return { ok: true, config: markDefaulted(parsed.data) };
  return { ok: false, details };
}

const SECTION_ORDER = ['apiVersion', 'idcs', 'services', 'rules', 'channels', 'notifications', 'alerts'];

/**
 * Groups issues by top-level element in document order (`idcs[0]`, `idcs[1]`, `services[0]`, ...),
 * keeping their order within an element (stable sort), so schema and semantic issues of one service
 * are listed together.
 */
function byLocation(issues: ConfigIssue[]): ConfigIssue[] {
  const rank = (path: string): [number, number] => {
    const match = /^([A-Za-z]+)(?:\[(\d+)\])?/.exec(path);
    const section = match ? SECTION_ORDER.indexOf(match[1]) : -1;
    return [
      section < 0 ? (path === '' ? -1 : SECTION_ORDER.length) : section,
      match?.[2] ? Number(match[2]) : -1,
    ];
  };
  return [...issues].sort((a, b) => {
    const [sa, ia] = rank(a.path);
    const [sb, ib] = rank(b.path);
    return sa - sb || ia - ib;
  });
}
