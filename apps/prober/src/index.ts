export * from './engine/prober-engine';
export * from './engine/probe-table';
export * from './prober.module';
export * from './prober.service';
export * from './prober-acl';
export * from './engine/result-batcher';
