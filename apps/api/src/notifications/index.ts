import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { NotificationsStore } from './notifications.store';
import { SilencesController } from './silences.controller';
import { SilencesService } from './silences.service';
import { SilencesStore } from './silences.store';

/** The notifications API: what was sent (and the dead letters), re-sends, silences. */
export const NOTIFICATION_CONTROLLERS = [NotificationsController, SilencesController];
export const NOTIFICATION_PROVIDERS = [
  NotificationsService,
  SilencesService,
  NotificationsStore,
  SilencesStore,
];
