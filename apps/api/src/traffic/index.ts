import { ActionsController } from './actions.controller';
import { ActionsService } from './actions.service';
import { ActionsStore } from './actions.store';
import { AutomationController } from './automation.controller';
import { AutomationSettingsStore } from './automation-settings.store';
import { EndpointDrainController } from './endpoint-drain.controller';
import { EndpointDrainService } from './endpoint-drain.service';
import { KillSwitchService } from './kill-switch.service';
import { RuleStatesController } from './rule-states.controller';
import { RuleStatesService } from './rule-states.service';
import { RuleStatesStore } from './rule-states.store';
import { FreezesController } from './freezes.controller';
import { FreezesService } from './freezes.service';
import { FreezesStore } from './freezes.store';
import { ServiceTrafficController } from './service-traffic.controller';
import { ServiceTrafficService } from './service-traffic.service';
import { ServiceTrafficStore } from './service-traffic.store';
import { TrafficHistoryService } from './traffic-history.service';
import { TrafficHistoryStore } from './traffic-history.store';

/** The traffic API: actions and decisions, manual weights, freezes and the kill switch (records only). */
export const TRAFFIC_CONTROLLERS = [
  ActionsController,
  ServiceTrafficController,
  FreezesController,
  AutomationController,
  RuleStatesController,
  EndpointDrainController,
];
export const TRAFFIC_PROVIDERS = [
  ActionsService,
  ServiceTrafficService,
  FreezesService,
  KillSwitchService,
  ActionsStore,
  ServiceTrafficStore,
  FreezesStore,
  AutomationSettingsStore,
  RuleStatesService,
  RuleStatesStore,
  TrafficHistoryService,
  TrafficHistoryStore,
  EndpointDrainService,
];
