import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuditSource, MinRole, type AuditActor } from '@libs/runtime';
import { NotificationDto, NotificationPageDto, NotificationsQuery } from './notifications.dto';
import { NotificationsService } from './notifications.service';

/** What Vigil sent, or chose not to send, to each channel; the dead-letter list and re-sends. */
@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @MinRole('viewer')
  @ApiOperation({
    summary: 'Notifications, newest first',
    description: '`?state=failed` is the dead-letter list: every delivery attempt failed.',
  })
  @ApiOkResponse({ type: NotificationPageDto })
  list(@Query() query: NotificationsQuery): Promise<NotificationPageDto> {
    return this.notifications.list(query);
  }

  @Get(':id')
  @MinRole('viewer')
  @ApiOperation({ summary: 'One notification, with its delivery attempts and last error' })
  @ApiOkResponse({ type: NotificationDto })
  @ApiNotFoundResponse({ description: 'No such notification' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<NotificationDto> {
    return this.notifications.get(id);
  }

  @Post(':id/resend')
  @HttpCode(202)
  @MinRole('operator')
  @ApiOperation({
    summary: 'Send a notification again',
    description: 'It becomes pending and is delivered with a fresh set of attempts. Audited.',
  })
  @ApiOkResponse({ type: NotificationDto })
  @ApiNotFoundResponse({ description: 'No such notification' })
  @ApiConflictResponse({ description: 'Already pending delivery' })
  resend(
    @Param('id', new ParseUUIDPipe()) id: string,
    @AuditSource() source: AuditActor,
  ): Promise<NotificationDto> {
    return this.notifications.resend(id, source);
  }
}
