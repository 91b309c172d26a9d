import { compileRule, ruleSubject } from '@libs/domain';
import { ConfigIssue, issueAt, Path } from './path';
import { Rule } from './schema';
import { DRAINING_TRAFFIC_MANAGERS } from './schema-service';
import {
  checkChannelReference,
  checkIdcReference,
  checkReference,
  checkWeights,
  Footprint,
  SemanticContext,
} from './semantics-context';

const WEIGHT_ACTIONS = new Set(['shift-away', 'set-weights']);

/**
 * Semantic checks of one rule: its condition compiles, scope and action references, weights,
 * conflicting actions.
 */
export function checkRule(rule: Rule, at: Path, ctx: SemanticContext): ConfigIssue[] {
  const scope = rule.scope;
  const issues: ConfigIssue[] = [
    ...checkCondition(rule, at),
    ...(scope?.services ?? []).flatMap((name, i) =>
      checkReference(ctx.services, 'service', name, [...at, 'scope', 'services', i]),
    ),
    ...(scope?.idcs ?? []).flatMap((name, i) => checkIdcReference(ctx, name, [...at, 'scope', 'idcs', i])),
  ];
  const footprints = scopedFootprints(rule, ctx);
  let weightAction: string | undefined;
  rule.actions.forEach((action, i) => {
    const here = [...at, 'actions', i];
    if (action.type === 'set-weights')
      issues.push(...checkWeights(action.weights, [...here, 'weights'], ctx, footprints));
    if (action.type === 'drain-endpoint') issues.push(...checkDrainable(rule, here, ctx));
    if (action.type === 'notify') {
      issues.push(
        ...action.channels.flatMap((name, j) => checkChannelReference(ctx, name, [...here, 'channels', j])),
      );
    }
    if (!WEIGHT_ACTIONS.has(action.type)) return;
    if (weightAction !== undefined) {
      const message = `only one weight-changing action per rule: ${action.type} conflicts with ${weightAction}`;
      issues.push(issueAt([...here, 'type'], message));
    }
    weightAction ??= action.type;
  });
  return issues;
}

/** A drain-endpoint rule may only act on services whose traffic manager can drain single endpoints. */
function checkDrainable(rule: Rule, at: Path, ctx: SemanticContext): ConfigIssue[] {
  const names = rule.scope?.services ?? [...ctx.services.keys()];
  const cannot = names.filter((name) => {
    const type = ctx.services.get(name)?.trafficManager?.type;
    return type !== undefined && !DRAINING_TRAFFIC_MANAGERS.has(type);
  });
  if (cannot.length === 0) return [];
  const which = cannot.map((name) => `${name} (${ctx.services.get(name)?.trafficManager?.type})`).join(', ');
  return [
    issueAt(
      [...at, 'type'],
      `the traffic manager of ${which} cannot drain single endpoints; scope the rule to services whose traffic manager can (${[...DRAINING_TRAFFIC_MANAGERS].join(', ')})`,
    ),
  ];
}

/** The endpoints' IDCs of every service the rule may act on (all services when it is not scoped). */
function scopedFootprints(rule: Rule, ctx: SemanticContext): Footprint[] {
  const names = rule.scope?.services ?? [...ctx.services.keys()];
  return names.flatMap((name) => {
    const service = ctx.services.get(name);
    return service ? [{ service: name, idcs: new Set(service.endpointIdcs) }] : [];
  });
}

/**
 * The `when` condition parses and type-checks against the facts its rule sees (drain-endpoint rules
 * also see `endpoint`), so a bad expression or an unknown fact is refused here, never at run time.
 */
function checkCondition(rule: Rule, at: Path): ConfigIssue[] {
  const compiled = compileRule(rule.when, ruleSubject(rule.actions));
  return compiled.ok ? [] : [issueAt([...at, 'when'], compiled.message)];
}
