import { MaintenanceWindowsController } from './maintenance-windows.controller';
import { MaintenanceWindowsService } from './maintenance-windows.service';
import { MaintenanceWindowsStore } from './maintenance-windows.store';

/** Maintenance windows (records; the controller acts on them, reports read them). */
export const MAINTENANCE_CONTROLLERS = [MaintenanceWindowsController];
export const MAINTENANCE_PROVIDERS = [MaintenanceWindowsService, MaintenanceWindowsStore];
export { MaintenanceWindowsStore };
