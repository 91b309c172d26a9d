import { Controller, Get, type MessageEvent, Query, Sse, SseSignal } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { CurrentPrincipal, MinRole, type Principal } from '@libs/runtime';
import { EventStreamService } from './event-stream.service';
import { HealthEventsService } from './health-events.service';
import { EventPageDto, EventsQuery, LiveEventDto, StreamQuery } from './health.dto';

/** The health timeline: state changes of endpoints, (service, IDC)s and vantages. */
@ApiTags('health')
@MinRole('viewer')
@Controller('events')
export class EventsController {
  constructor(
    private readonly events: HealthEventsService,
    private readonly live: EventStreamService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'State changes, newest first (cursor pagination: pass `next` as `cursor`)' })
  @ApiOkResponse({ type: EventPageDto })
  @ApiBadRequestResponse({ description: 'Bad filter, time or cursor (`details` names the field)' })
  list(@Query() query: EventsQuery): Promise<EventPageDto> {
    return this.events.list(query);
  }

  @Sse('stream')
  @ApiOperation({
    summary: 'Live state changes as Server-Sent Events',
    description:
      'Each `data:` line is one event as JSON, as the controller publishes it (LiveEventDto: `at` in ' +
      'epoch ms, no row id, absent subjects left out). A comment line is sent at once and every 15 s so that proxies keep the stream open. Needs ' +
      'a key like every route: the `Authorization: Bearer` header (`curl -N -H "Authorization: Bearer $T" ' +
      '.../events/stream`), or the console session cookie, which a same-origin browser EventSource ' +
      'sends; there is never a token in the URL. One API key may hold VIGIL_STREAMS_PER_KEY streams (default 10) on one ' +
      'API process, and the process VIGIL_STREAMS_MAX (default 500) in all; past either, 429.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ type: LiveEventDto, description: 'A text/event-stream of these events' })
  @ApiTooManyRequestsResponse({ description: 'Too many open streams for this key or process (Retry-After)' })
  stream(
    @Query() query: StreamQuery,
    @CurrentPrincipal() caller: Principal,
    @SseSignal() ended: AbortSignal,
  ): Observable<MessageEvent> {
    // The bootstrap admin token has no key id; its name is unique among keys (reserved).
    return this.live.stream(query, caller.keyId ?? caller.name, ended);
  }
}
