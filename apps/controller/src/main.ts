import 'reflect-metadata';
import { bootstrap } from '@libs/runtime';
import { ControllerModule } from './controller.module';

// A controller-only process; run several, and leader election (later) picks the one that acts.
void bootstrap(() => [ControllerModule], { VIGIL_ROLES: 'controller' });
