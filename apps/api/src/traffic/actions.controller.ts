import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuditSource, MinRole, type AuditActor } from '@libs/runtime';
import { ActionsService } from './actions.service';
import {
  ActionDecisionDto,
  ActionDto,
  ActionPageDto,
  ActionsQuery,
  DecisionDto,
  RollbackDto,
} from './traffic.dto';

const uuid = () => new ParseUUIDPipe();

/**
 * Traffic actions (proposed, running and past) and the human decisions on them. The API only records
 * decisions; the controller leader's executor applies the steps of `executing` actions.
 */
@ApiTags('actions')
@Controller('actions')
export class ActionsController {
  constructor(private readonly actions: ActionsService) {}

  @Get()
  @MinRole('viewer')
  @ApiOperation({ summary: 'Actions, newest first (cursor pagination: pass `next` as `cursor`)' })
  @ApiOkResponse({ type: ActionPageDto })
  @ApiBadRequestResponse({ description: 'Bad filter or cursor (`details` names the field)' })
  list(@Query() query: ActionsQuery): Promise<ActionPageDto> {
    return this.actions.list(query);
  }

  @Get(':id')
  @MinRole('viewer')
  @ApiOperation({ summary: 'One action with its plan, guardrails, weights before and its steps in order' })
  @ApiOkResponse({ type: ActionDto })
  @ApiNotFoundResponse({ description: 'No such action' })
  get(@Param('id', uuid()) id: string): Promise<ActionDto> {
    return this.actions.get(id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @MinRole('operator')
  @ApiOperation({ summary: 'Approve an action awaiting approval: it starts executing' })
  @ApiOkResponse({ type: ActionDecisionDto })
  @ApiNotFoundResponse({ description: 'No such action' })
  @ApiConflictResponse({ description: 'The action is not awaiting approval (the message names its state)' })
  approve(
    @Param('id', uuid()) id: string,
    @Body() body: DecisionDto,
    @AuditSource() source: AuditActor,
  ): Promise<ActionDecisionDto> {
    return this.actions.decide('approve', id, body.reason, source);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @MinRole('operator')
  @ApiOperation({ summary: 'Reject an action awaiting approval; nothing is applied' })
  @ApiOkResponse({ type: ActionDecisionDto })
  @ApiNotFoundResponse({ description: 'No such action' })
  @ApiConflictResponse({ description: 'The action is not awaiting approval (the message names its state)' })
  reject(
    @Param('id', uuid()) id: string,
    @Body() body: DecisionDto,
    @AuditSource() source: AuditActor,
  ): Promise<ActionDecisionDto> {
    return this.actions.decide('reject', id, body.reason, source);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @MinRole('operator')
  @ApiOperation({
    summary: 'Cancel an action awaiting approval, executing or held',
    description:
      'The executor sends no further step. Steps already applied stay in place (`note` says how many); ' +
      'use /rollback to undo them.',
  })
  @ApiOkResponse({ type: ActionDecisionDto })
  @ApiNotFoundResponse({ description: 'No such action' })
  @ApiConflictResponse({ description: 'The action has ended (the message names its state)' })
  cancel(
    @Param('id', uuid()) id: string,
    @Body() body: DecisionDto,
    @AuditSource() source: AuditActor,
  ): Promise<ActionDecisionDto> {
    return this.actions.decide('cancel', id, body.reason, source);
  }

  @Post(':id/rollback')
  @MinRole('operator')
  @ApiOperation({
    summary: 'Roll back an action that applied steps: restore its weights before',
    description:
      'From completed, held, cancelled or failed with at least one step applied. Marks it rolled-back and ' +
      'returns the NEW manual action (kind rollback, executing, one step to the original weightsBefore). ' +
      'Other executing actions of the service are cancelled (superseded).',
  })
  @ApiCreatedResponse({ type: ActionDto, description: 'The rollback action' })
  @ApiNotFoundResponse({ description: 'No such action' })
  @ApiConflictResponse({ description: 'The action cannot be rolled back (the message says why)' })
  rollback(
    @Param('id', uuid()) id: string,
    @Body() body: RollbackDto,
    @AuditSource() source: AuditActor,
  ): Promise<ActionDto> {
    return this.actions.rollback(id, body.reason, source);
  }
}
