import { Initial1795450415245 } from './1795450415245-Initial';
import { HealthHistory1795453467834 } from './1795453467834-HealthHistory';
import { TrafficActions1795455299955 } from './1795455299955-TrafficActions';
import { Notifications1795464818363 } from './1795464818363-Notifications';
import { StepFencing1796225496538 } from './1796225496538-StepFencing';
import { AlertChanges1796226000000 } from './1796226000000-AlertChanges';
import { ConsoleSessions1796293637683 } from './1796293637683-ConsoleSessions';
import { TrafficReadBack1796400000000 } from './1796400000000-TrafficReadBack';
import { MaintenanceWindows1796531000000 } from './1796531000000-MaintenanceWindows';

// Every migration, in order. A new one is generated with `npm run migration:generate` and listed here.
export const MIGRATIONS = [
  Initial1795450415245,
  HealthHistory1795453467834,
  TrafficActions1795455299955,
  Notifications1795464818363,
  StepFencing1796225496538,
  AlertChanges1796226000000,
  ConsoleSessions1796293637683,
  TrafficReadBack1796400000000,
  MaintenanceWindows1796531000000,
];
