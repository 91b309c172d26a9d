export * from './prober.module';
export * from './prober.service';
