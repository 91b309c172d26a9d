import 'reflect-metadata';
import { bootstrap } from '@libs/runtime';
import { ProberModule } from './prober.module';

// A prober-only process, for deployments that run probers in every IDC (set VIGIL_VANTAGE).
void bootstrap(() => [ProberModule], { VIGIL_ROLES: 'prober' });
