import 'reflect-metadata';
import { bootstrap } from '@libs/runtime';
import { roleModules } from './features';

// `npm start`: every role in one process unless VIGIL_ROLES narrows it.
void bootstrap(roleModules);
