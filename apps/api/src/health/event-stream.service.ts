import {
  BeforeApplicationShutdown,
  HttpException,
  Inject,
  Injectable,
  Logger,
  type MessageEvent,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import Redis from 'ioredis';
import { Gauge } from 'prom-client';
import { filter, map, merge, Observable, Subject, takeUntil, timer } from 'rxjs';
import { ENV, type Env } from '@libs/config';
import { HEALTH_KEYS } from '@libs/queue';
import { MetricsService, REDIS, redisKey, subscriberOf, tooManyRequests } from '@libs/runtime';
import { StreamSlots, type SlotRefusal } from './stream-slots';

/** A comment line this often keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;
/** What a refused stream is told to wait: streams are long-lived, so no slot is due at a known time. */
export const STREAM_RETRY_AFTER_S = 30;

/** What the stream filters on; the rest of the event is passed through as published. */
export interface PublishedEvent {
  kind?: string;
  service?: string | null;
  idc?: string | null;
  [field: string]: unknown;
}

export interface StreamFilter {
  service?: string;
  idc?: string;
  kind?: string;
}

/**
 * The live timeline: one Redis subscriber connection per process on HEALTH_KEYS.events, fanned out
 * to every SSE client through one Subject. Each client gets its own filter and heartbeat, both torn
 * down when it disconnects (Nest unsubscribes). Streams are capped per API key
 * (VIGIL_STREAMS_PER_KEY) and per process (VIGIL_STREAMS_MAX): past either, 429.
 */
@Injectable()
export class EventStreamService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(EventStreamService.name);
  private readonly events = new Subject<PublishedEvent>();
  private readonly closing = new Subject<void>();
  private subscriber?: Redis;
  private readonly slots: StreamSlots;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(REDIS) private readonly redis: Redis,
    metrics: MetricsService,
  ) {
    const slots = new StreamSlots(env.VIGIL_STREAMS_PER_KEY, env.VIGIL_STREAMS_MAX);
    this.slots = slots;
    new Gauge({
      name: 'vigil_event_streams',
      help: 'Live /events/stream connections open in this process',
      registers: [metrics.registry],
      collect() {
        this.set(slots.open);
      },
    });
  }

  /** How many SSE clients are connected to this process. */
  get clients(): number {
    return this.slots.open;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = subscriberOf(this.redis, 'vigil-health-events');
    this.subscriber.on('message', (_channel: string, message: string) => this.publish(message));
    await this.subscriber.subscribe(redisKey(this.env, HEALTH_KEYS.events));
  }

  /** Ends every open stream before the HTTP server closes, so that it need not wait for them. */
  beforeApplicationShutdown(): void {
    this.closing.next();
    this.closing.complete();
  }

  async onApplicationShutdown(): Promise<void> {
    this.events.complete();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /**
   * One client's stream: a comment at once (so headers go out), matching events, a heartbeat comment.
   * It holds one of `caller`'s slots until `ended` aborts (Nest aborts it however the stream ends,
   * even when it is never subscribed); 429 when no slot is free.
   */
  stream(filterBy: StreamFilter, caller: string, ended: AbortSignal): Observable<MessageEvent> {
    const slot = this.slots.take(caller);
    if ('refused' in slot) throw this.tooMany(slot.refused);
    if (ended.aborted) slot.release();
    else ended.addEventListener('abort', slot.release, { once: true });
    return new Observable<MessageEvent>((subscriber) => {
      const matching = this.events.pipe(
        filter(
          (e) =>
            (!filterBy.service || e.service === filterBy.service) &&
            (!filterBy.idc || e.idc === filterBy.idc) &&
            (!filterBy.kind || e.kind === filterBy.kind),
        ),
        map((e): MessageEvent => ({ data: e })),
      );
      const heartbeat = timer(0, HEARTBEAT_MS).pipe(
        map((n): MessageEvent => ({ comment: n === 0 ? 'connected' : 'heartbeat' })),
      );
      const subscription = merge(matching, heartbeat).pipe(takeUntil(this.closing)).subscribe(subscriber);
      return () => {
        slot.release();
        subscription.unsubscribe();
      };
    });
  }

  private tooMany(refusal: SlotRefusal): HttpException {
    const message =
      refusal === 'per-key'
        ? `this API key already has ${this.env.VIGIL_STREAMS_PER_KEY} live streams open here, the most ` +
          'allowed (VIGIL_STREAMS_PER_KEY); close one or retry later'
        : `this server already has ${this.env.VIGIL_STREAMS_MAX} live streams open, the most allowed ` +
          '(VIGIL_STREAMS_MAX); retry later or on another API replica';
    return tooManyRequests(message, STREAM_RETRY_AFTER_S);
  }

  private publish(message: string): void {
    let event: unknown;
    try {
      event = JSON.parse(message);
    } catch {
      this.logger.warn(`dropped a health event that is not JSON: ${message.slice(0, 200)}`);
      return;
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      this.logger.warn(`dropped a health event that is not an object: ${message.slice(0, 200)}`);
      return;
    }
    this.events.next(event as PublishedEvent);
  }
}
