import 'reflect-metadata';
import { bootstrap } from '@libs/runtime';
import { roleFeatures } from './roles';

// The one Vigil binary (`npm start`, the Docker image): every role in one process unless
// VIGIL_ROLES narrows it, e.g. a controller-only or a prober-only process.
void bootstrap(roleFeatures);
