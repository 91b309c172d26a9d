/**
 * The operationId of every route, by `<Controller>.<handler>`: camelCase verb + noun, unique, what a
 * generated client calls the method (`listActions`, `approveAction`). A route missing here fails
 * `npm run openapi:generate`, `/docs` and the OpenAPI spec, so a new route needs a name.
 */
const OPERATION_IDS: Record<string, string> = {
  'ActionsController.list': 'listActions',
  'ActionsController.get': 'getAction',
  'ActionsController.approve': 'approveAction',
  'ActionsController.reject': 'rejectAction',
  'ActionsController.cancel': 'cancelAction',
  'ActionsController.rollback': 'rollbackAction',
  'AlertsController.list': 'listAlerts',
  'ApiKeysController.list': 'listApiKeys',
  'ApiKeysController.create': 'createApiKey',
  'ApiKeysController.revoke': 'revokeApiKey',
  'AuditController.list': 'listAuditEntries',
  'AutomationController.get': 'getAutomation',
  'AutomationController.pause': 'pauseAutomation',
  'AutomationController.resume': 'resumeAutomation',
  'ConfigController.current': 'getConfig',
  'ConfigController.apply': 'putConfig',
  'ConfigController.schema': 'getConfigSchema',
  'ConfigController.versions': 'listConfigVersions',
  'ConfigController.version': 'getConfigVersion',
  'ConfigController.diff': 'diffConfigVersion',
  'ConfigController.restore': 'restoreConfigVersion',
  'EventsController.list': 'listEvents',
  'EventsController.stream': 'streamEvents',
  'FreezesController.list': 'listFreezes',
  'FreezesController.create': 'createFreeze',
  'FreezesController.lift': 'liftFreeze',
  'MaintenanceWindowsController.create': 'createMaintenanceWindow',
  'MaintenanceWindowsController.list': 'listMaintenanceWindows',
  'MaintenanceWindowsController.get': 'getMaintenanceWindow',
  'MaintenanceWindowsController.cancel': 'cancelMaintenanceWindow',
  'SessionController.create': 'createSession',
  'SessionController.get': 'getSession',
  'SessionController.remove': 'deleteSession',
  'SelfCheckController.healthz': 'getLiveness',
  'SelfCheckController.readyz': 'getReadiness',
  'InventoryController.idcs': 'listIdcs',
  'InventoryController.services': 'listServices',
  'EndpointDrainController.drain': 'drainEndpoint',
  'EndpointDrainController.undrain': 'undrainEndpoint',
  'InventoryController.service': 'getService',
  'InventoryController.endpoints': 'listEndpoints',
  'MetricsController.scrape': 'getMetrics',
  'NotificationsController.list': 'listNotifications',
  'NotificationsController.get': 'getNotification',
  'NotificationsController.resend': 'resendNotification',
  'ReportsController.report': 'getAvailabilityReport',
  'RuleStatesController.list': 'listRuleStates',
  'ServiceTrafficController.view': 'getServiceTraffic',
  'ServiceTrafficController.history': 'getServiceTrafficHistory',
  'ServiceTrafficController.setWeights': 'setServiceWeights',
  'ServiceTrafficController.release': 'releaseServiceWeights',
  'SilencesController.list': 'listSilences',
  'SilencesController.create': 'createSilence',
  'SilencesController.expire': 'expireSilence',
  'StatusController.status': 'getStatus',
  'StatusController.serviceStatus': 'getServiceStatus',
  'StatusController.endpointHealth': 'getEndpointHealth',
  'StatusController.history': 'getEndpointHistory',
  'WebhooksController.alertmanager': 'receiveAlertmanagerAlerts',
  'WebhooksController.grafana': 'receiveGrafanaAlerts',
  'WebhooksController.generic': 'receiveGenericAlerts',
};

/** SwaggerDocumentOptions.operationIdFactory: the id from {@link OPERATION_IDS}, or an error naming the route. */
export function operationId(controllerKey: string, methodKey: string): string {
  const id = OPERATION_IDS[`${controllerKey}.${methodKey}`];
  if (!id) {
    throw new Error(
      `no operationId for ${controllerKey}.${methodKey}: add one to apps/api/src/openapi/operation-ids.ts`,
    );
  }
  return id;
}
