import { ConfigIssue, issueAt, Path } from './path';
import { AlertSettings, NotificationRoute } from './schema';
import {
  checkChannelReference,
  checkIdcReference,
  checkReference,
  duplicateEntries,
  SemanticContext,
} from './semantics-context';

/**
 * Semantic checks of `notifications.routes`: every channel, service and IDC a route names exists, and
 * no list of a route repeats an entry.
 */
export function checkRoutes(
  routes: ReadonlyArray<NotificationRoute | undefined>,
  at: Path,
  ctx: SemanticContext,
): ConfigIssue[] {
  return routes.flatMap((route, i) => (route ? checkRoute(route, [...at, i], ctx) : []));
}

function checkRoute(route: NotificationRoute, at: Path, ctx: SemanticContext): ConfigIssue[] {
  const services = route.services ?? [];
  const idcs = route.idcs ?? [];
  return [
    ...route.channels.flatMap((name, j) => checkChannelReference(ctx, name, [...at, 'channels', j])),
    ...duplicateEntries(route.channels, [...at, 'channels'], 'channel'),
    ...duplicateEntries(route.events ?? [], [...at, 'events'], 'event'),
    ...services.flatMap((name, j) => checkReference(ctx.services, 'service', name, [...at, 'services', j])),
    ...duplicateEntries(services, [...at, 'services'], 'service'),
    ...idcs.flatMap((name, j) => checkIdcReference(ctx, name, [...at, 'idcs', j])),
    ...duplicateEntries(idcs, [...at, 'idcs'], 'IDC'),
  ];
}

const LABEL_ROLES = ['service', 'idc', 'endpoint'] as const;
const ROLE_NAMES: Record<(typeof LABEL_ROLES)[number], string> = {
  service: 'service',
  idc: 'IDC',
  endpoint: 'endpoint',
};

/**
 * `alerts.labels` names three different labels: one label cannot name both the service and the IDC of
 * an alert. Reported where a label repeats one named before it.
 */
export function checkAlertLabels(labels: AlertSettings['labels'] | undefined, at: Path): ConfigIssue[] {
  if (!labels) return [];
  return LABEL_ROLES.flatMap((role, i) => {
    const first = LABEL_ROLES.slice(0, i).find((earlier) => labels[earlier] === labels[role]);
    if (first === undefined) return [];
    const message = `label ${JSON.stringify(labels[role])} is also the ${ROLE_NAMES[first]} label; service, IDC and endpoint need different labels`;
    return [issueAt([...at, role], message)];
  });
}
