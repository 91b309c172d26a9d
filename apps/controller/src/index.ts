export * from './controller.module';
export * from './results-consumer.service';
