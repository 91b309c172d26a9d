import { Module } from '@nestjs/common';
import { ConfigWatcherService } from './config-watcher.service';

/** The controller role: ingests results, scores health, runs the rules and the executor (later issues). */
@Module({ providers: [ConfigWatcherService], exports: [ConfigWatcherService] })
export class ControllerModule {}
