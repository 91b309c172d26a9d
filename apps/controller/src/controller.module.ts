import { Module } from '@nestjs/common';
import { ResultsConsumer } from './results-consumer.service';

/** The controller role: ingests results; scoring, rules and the executor come in later issues. */
@Module({ providers: [ResultsConsumer], exports: [ResultsConsumer] })
export class ControllerModule {}
