import { Module } from '@nestjs/common';
import { ProberService } from './prober.service';

/** The prober role: probes endpoints from one vantage (or every vantage, all-in-one). */
@Module({ providers: [ProberService], exports: [ProberService] })
export class ProberModule {}
