import { compileRe2 } from '@libs/domain';
import { formatDuration, parseDuration } from './duration';
import { defaultEndpointName } from './endpoint';
import { ConfigIssue, issueAt, Path } from './path';
import { PartialService } from './salvage';
import { Check, Endpoint } from './schema';
import {
  checkIdcReference,
  checkWeights,
  duplicateEntries,
  duplicateNames,
  SemanticContext,
} from './semantics-context';

/** Semantic checks of one service: references, names, timings, targets, weights and policy. */
export function checkService(service: PartialService, at: Path, ctx: SemanticContext): ConfigIssue[] {
  return [
    ...checkEndpoints(service.endpoints, [...at, 'endpoints'], ctx),
    ...duplicateNames(
      service.checks.map((check) => check?.name),
      [...at, 'checks'],
      'check',
    ),
    ...service.checks.flatMap((check, i) =>
      check ? checkOneCheck(check, service.endpoints, [...at, 'checks', i], ctx) : [],
    ),
    ...checkServiceWeights(service, at, ctx),
    ...checkPolicy(service, at, ctx),
    ...checkTrafficManager(service, [...at, 'trafficManager']),
  ];
}

/**
 * What the traffic manager names must exist in the service: HAProxy's server map is keyed by its
 * endpoints; PowerDNS needs addresses for every IDC the service runs in (of the record's type), and
 * only those, and a record inside its zone. Whether the backend, servers or zone exist on the target is
 * checked against it at apply (a dry run), not here.
 */
function checkTrafficManager(service: PartialService, at: Path): ConfigIssue[] {
  const manager = service.trafficManager;
  if (manager?.type === 'haproxy') {
    const names = new Set(service.endpoints.flatMap((e) => (e ? [e.name] : [])));
    return Object.keys(manager.servers ?? {}).flatMap((name) =>
      names.has(name)
        ? []
        : [issueAt([...at, 'servers', name], `unknown endpoint ${JSON.stringify(name)} of this service`)],
    );
  }
  if (manager?.type !== 'powerdns') return [];
  const issues: ConfigIssue[] = [];
  if (
    !manager.name.toLowerCase().endsWith(`.${manager.zone.toLowerCase()}`) &&
    manager.name.toLowerCase() !== manager.zone.toLowerCase()
  )
    issues.push(issueAt([...at, 'name'], `${manager.name} is not inside the zone ${manager.zone}`));
  const idcs = new Set(service.endpointIdcs);
  for (const idc of [...idcs].sort())
    if (!manager.addresses[idc])
      issues.push(
        issueAt(
          [...at, 'addresses'],
          `no addresses for IDC ${JSON.stringify(idc)}, where the service has endpoints`,
        ),
      );
  for (const [idc, addresses] of Object.entries(manager.addresses)) {
    if (!idcs.has(idc))
      issues.push(
        issueAt([...at, 'addresses', idc], `the service has no endpoints in IDC ${JSON.stringify(idc)}`),
      );
    const v6 = manager.recordType === 'AAAA';
    addresses.forEach((address, i) => {
      if (address.includes(':') !== v6)
        issues.push(
          issueAt(
            [...at, 'addresses', idc, i],
            `${address} is not an ${v6 ? 'IPv6' : 'IPv4'} address (recordType ${manager.recordType})`,
          ),
        );
    });
  }
  return issues;
}

function checkEndpoints(
  endpoints: PartialService['endpoints'],
  at: Path,
  ctx: SemanticContext,
): ConfigIssue[] {
  const issues = endpoints.flatMap((endpoint, i) =>
    endpoint ? checkIdcReference(ctx, endpoint.idc, [...at, i, 'idc']) : [],
  );
  const seen = new Set<string>();
  endpoints.forEach((endpoint, i) => {
    if (!endpoint) return;
    if (seen.has(endpoint.name)) {
      const derived =
        endpoint.name === defaultEndpointName(endpoint)
          ? ' (derived from its url or address; set a name)'
          : '';
      issues.push(
        issueAt([...at, i, 'name'], `duplicate endpoint name ${JSON.stringify(endpoint.name)}${derived}`),
      );
    }
    seen.add(endpoint.name);
  });
  return issues;
}

function checkOneCheck(
  check: Check,
  endpoints: PartialService['endpoints'],
  at: Path,
  ctx: SemanticContext,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const interval = parseDuration(check.interval);
  const timeout = parseDuration(check.timeout);
  if (timeout >= interval) {
    issues.push(
      issueAt(
        [...at, 'timeout'],
        `timeout (${check.timeout}) must be less than interval (${check.interval})`,
      ),
    );
  }
  const vantages = check.vantages ?? [];
  issues.push(...vantages.flatMap((idc, i) => checkIdcReference(ctx, idc, [...at, 'vantages', i])));
  issues.push(...duplicateEntries(vantages, [...at, 'vantages'], 'vantage'));
  if (check.type === 'http' || check.type === 'https')
    issues.push(...checkHttpOptions(check.http, timeout, at));
  const mismatch = targetMismatch(check.type, endpoints);
  if (mismatch) issues.push(issueAt([...at, 'type'], mismatch));
  return issues;
}

type HttpOptions = Extract<Check, { type: 'http' | 'https' }>['http'];

function checkHttpOptions(http: HttpOptions, timeout: number, at: Path): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (http.maxLatency !== undefined && parseDuration(http.maxLatency) > timeout) {
    const message = `maxLatency (${http.maxLatency}) must not exceed timeout (${formatDuration(timeout)})`;
    issues.push(issueAt([...at, 'http', 'maxLatency'], message));
  }
  // RE2, as the prober runs it: a backreference or a lookaround is refused here, not at probe time.
  const regex = http.bodyRegex === undefined ? undefined : compileRe2(http.bodyRegex);
  if (regex && !regex.ok) {
    const message = `not a valid RE2 regular expression: ${regex.message}`;
    issues.push(issueAt([...at, 'http', 'bodyRegex'], message));
  }
  return issues;
}

/** Endpoints a check type cannot probe: dns needs an address (the resolver), schemes must agree. */
function targetMismatch(type: Check['type'], endpoints: PartialService['endpoints']): string | undefined {
  const withUrl = (prefix: string) =>
    endpoints
      .filter((e): e is Endpoint => e?.url !== undefined && e.url.startsWith(prefix))
      .map((e) => e.name);
  if (type === 'dns') {
    const bad = withUrl('http');
    return bad.length
      ? `dns checks query the endpoint's address (resolver host:port); ${listNames(bad)} have a url`
      : undefined;
  }
  const wrongScheme =
    type === 'http' ? 'https://' : type === 'https' || type === 'tls' ? 'http://' : undefined;
  if (wrongScheme === undefined) return undefined;
  const bad = withUrl(wrongScheme);
  if (!bad.length) return undefined;
  const fix =
    type === 'http'
      ? 'use type https'
      : type === 'https'
        ? 'use type http'
        : 'use an address or an https:// url';
  return `${type} check cannot probe ${wrongScheme} urls (${listNames(bad)}); ${fix}`;
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((name) => JSON.stringify(name));
  const more = names.length > 5 ? ` and ${names.length - 5} more` : '';
  return `endpoint${names.length === 1 ? '' : 's'} ${shown.join(', ')}${more}`;
}

function checkServiceWeights(service: PartialService, at: Path, ctx: SemanticContext): ConfigIssue[] {
  if (!service.weights || service.name === undefined) return [];
  const footprint = { service: service.name, idcs: new Set(service.endpointIdcs) };
  return checkWeights(service.weights, [...at, 'weights'], ctx, [footprint]);
}

function checkPolicy(service: PartialService, at: Path, ctx: SemanticContext): ConfigIssue[] {
  const policy = service.policy;
  if (!policy) return [];
  const issues: ConfigIssue[] = [];
  if (policy.unhealthyBelow >= policy.degradedBelow) {
    const message = `unhealthyBelow (${policy.unhealthyBelow}) must be less than degradedBelow (${policy.degradedBelow})`;
    issues.push(issueAt([...at, 'policy', 'unhealthyBelow'], message));
  }
  const quorum = policy.quorum;
  if (quorum !== undefined && ctx.checkIdcs) {
    for (const check of service.checks) {
      const vantages = check?.vantages ? new Set(check.vantages).size : ctx.idcs.size;
      if (check && quorum > vantages) {
        const message = `quorum (${quorum}) exceeds the ${vantages} vantage${vantages === 1 ? '' : 's'} of check "${check.name}"`;
        issues.push(issueAt([...at, 'policy', 'quorum'], message));
      }
    }
  }
  return issues;
}
