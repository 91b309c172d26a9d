import { AlertList } from './alert-list';
import { AlertSettings } from './alert-settings';
import { AlertStore } from './alert-store';
import { AlertsController } from './alerts.controller';
import { WebhooksController } from './webhooks.controller';

/** Alerts in by webhook (Alertmanager, Grafana, generic) and the alerts list. */
export const ALERTS_CONTROLLERS = [WebhooksController, AlertsController];
export const ALERTS_PROVIDERS = [AlertSettings, AlertStore, AlertList];
