import { Injectable } from '@nestjs/common';
import { TraceMemory } from '@libs/runtime';

/**
 * The span each action was proposed in (`vigil.action.created`), by action id: its steps, applied in
 * later ticks, and the notifier's notices of it join that trace. Empty while tracing is off.
 */
@Injectable()
export class ActionTraces extends TraceMemory {}
