import { ConfigIssue } from './path';
import { PartialConfig } from './salvage';
import { contextOf, duplicateNames } from './semantics-context';
import { checkAlertLabels, checkRoutes } from './semantics-notify';
import { checkRule } from './semantics-rules';
import { checkService } from './semantics-service';

/**
 * Checks what a schema cannot: unique names, references that resolve (also from notification routes),
 * timings, weights, targets, distinct alert labels.
 * Works on a PartialConfig so that it also runs on the parts that passed the schema.
 */
export function checkSemantics(config: PartialConfig): ConfigIssue[] {
  const ctx = contextOf(config);
  return [
    ...duplicateNames(config.names.idcs, ['idcs'], 'IDC'),
    ...duplicateNames(config.names.services, ['services'], 'service'),
    ...config.services.flatMap((service, i) => (service ? checkService(service, ['services', i], ctx) : [])),
    ...duplicateNames(config.names.rules, ['rules'], 'rule'),
    ...config.rules.flatMap((rule, i) => (rule ? checkRule(rule, ['rules', i], ctx) : [])),
    ...duplicateNames(config.names.channels, ['channels'], 'channel'),
    ...checkRoutes(config.routes, ['notifications', 'routes'], ctx),
    ...checkAlertLabels(config.alertLabels, ['alerts', 'labels']),
  ];
}
