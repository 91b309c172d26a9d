import { ConfigIssue, issueAt, Path } from './path';
import { PartialConfig, PartialService } from './salvage';

/** The names a config defines, for resolving references. */
export interface SemanticContext {
  idcs: ReadonlySet<string>;
  /** False when the config names no IDC at all (idcs missing or broken): IDC references are then not checked. */
  checkIdcs: boolean;
  services: ReadonlyMap<string, PartialService>;
  channels: ReadonlySet<string>;
  /** False when `channels` is not a list (reported by the schema): channel references are then not checked. */
  checkChannels: boolean;
}

/** Collects the defined names; names as written count even when their element failed the schema. */
export function contextOf(config: PartialConfig): SemanticContext {
  const services = new Map<string, PartialService>();
  config.services.forEach((service, i) => {
    const name = config.names.services[i];
    if (service && name !== undefined && !services.has(name)) services.set(name, service);
  });
  return {
    idcs: new Set(defined(config.names.idcs)),
    checkIdcs: defined(config.names.idcs).length > 0,
    services,
    channels: new Set(defined(config.names.channels)),
    checkChannels: config.channelsListed,
  };
}

/** `unknown IDC "shx"` when `name` is not in `known`. */
export function checkReference(
  known: ReadonlySet<string> | ReadonlyMap<string, unknown>,
  kind: 'IDC' | 'service' | 'channel',
  name: string,
  at: Path,
): ConfigIssue[] {
  return known.has(name) ? [] : [issueAt(at, `unknown ${kind} ${JSON.stringify(name)}`)];
}

/** Like checkReference for IDC names, skipped when no IDC is defined (that is reported once, at idcs). */
export function checkIdcReference(ctx: SemanticContext, name: string, at: Path): ConfigIssue[] {
  return ctx.checkIdcs ? checkReference(ctx.idcs, 'IDC', name, at) : [];
}

/** Like checkReference for channel names, skipped when `channels` is not a list (that is reported once, there). */
export function checkChannelReference(ctx: SemanticContext, name: string, at: Path): ConfigIssue[] {
  return ctx.checkChannels ? checkReference(ctx.channels, 'channel', name, at) : [];
}

/** An issue on every repeated name after its first use, at that element's `name`. */
export function duplicateNames(
  names: ReadonlyArray<string | undefined>,
  at: Path,
  kind: string,
): ConfigIssue[] {
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  names.forEach((name, i) => {
    if (name === undefined) return;
    if (seen.has(name))
      issues.push(issueAt([...at, i, 'name'], `duplicate ${kind} name ${JSON.stringify(name)}`));
    seen.add(name);
  });
  return issues;
}

/** An issue on every repeated entry of a list of references. */
export function duplicateEntries(values: readonly string[], at: Path, kind: string): ConfigIssue[] {
  return values.flatMap((value, i) =>
    values.indexOf(value) < i ? [issueAt([...at, i], `duplicate ${kind} ${JSON.stringify(value)}`)] : [],
  );
}

/** The IDCs where a service has endpoints. */
export interface Footprint {
  service: string;
  idcs: ReadonlySet<string>;
}

/**
 * Weight rules shared by service weights and set-weights actions: IDCs resolve, not all zero, and no
 * positive weight on an IDC where an affected service has no endpoints (that traffic would be lost).
 */
export function checkWeights(
  weights: Record<string, number>,
  at: Path,
  ctx: SemanticContext,
  footprints: readonly Footprint[],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [idc, weight] of Object.entries(weights)) {
    if (!ctx.idcs.has(idc)) {
      issues.push(...checkIdcReference(ctx, idc, [...at, idc]));
      continue;
    }
    if (weight === 0) continue;
    for (const footprint of footprints) {
      if (footprint.idcs.has(idc)) continue;
      const message = `IDC "${idc}" has weight ${weight} but service "${footprint.service}" has no endpoints there`;
      issues.push(issueAt([...at, idc], message));
    }
  }
  if (Object.values(weights).every((weight) => weight === 0))
    issues.push(issueAt(at, 'weights must not all be zero'));
  return issues;
}

function defined(values: ReadonlyArray<string | undefined>): string[] {
  return values.filter((value): value is string => value !== undefined);
}
