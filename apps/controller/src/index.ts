export * from './config-watcher.service';
export * from './controller.module';
