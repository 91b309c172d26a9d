import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { SilencesController } from './silences.controller';
import { SilencesService } from './silences.service';

/** The notifications API: what was sent (and the dead letters), re-sends, silences. */
export const NOTIFICATION_CONTROLLERS = [NotificationsController, SilencesController];
export const NOTIFICATION_PROVIDERS = [NotificationsService, SilencesService];
