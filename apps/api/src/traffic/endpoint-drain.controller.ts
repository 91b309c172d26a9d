import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuditSource, MinRole, type AuditActor } from '@libs/runtime';
import { EndpointDrainService } from './endpoint-drain.service';
import { ActionDto, DrainEndpointDto } from './traffic.dto';

const CONFLICT =
  'The traffic manager cannot drain single endpoints (e.g. powerdns), the endpoint is already drained ' +
  '(or not drained, to undrain), or an earlier drain of it is still executing';

/** Taking one endpoint out of rotation and back (drain-endpoint by hand). */
@ApiTags('traffic')
@Controller('services/:name/endpoints/:endpoint')
export class EndpointDrainController {
  constructor(private readonly drains: EndpointDrainService) {}

  @Post('drain')
  @HttpCode(200)
  @MinRole('operator')
  @ApiOperation({
    summary: 'Drain one endpoint: its traffic manager stops sending it new requests',
    description:
      'Creates a manual drain-endpoint action (executing, one step) that the controller applies at once ' +
      "through the service's traffic manager (HAProxy: the server goes into drain), keeping the weights in " +
      'force. It stays drained until undrained or rolled back; automation does not undrain what an operator drained.',
  })
  @ApiOkResponse({ type: ActionDto })
  @ApiBadRequestResponse({ description: 'No reason given' })
  @ApiNotFoundResponse({ description: 'No such service or endpoint in the current config' })
  @ApiConflictResponse({ description: CONFLICT })
  drain(
    @Param('name') name: string,
    @Param('endpoint') endpoint: string,
    @Body() body: DrainEndpointDto,
    @AuditSource() source: AuditActor,
  ): Promise<ActionDto> {
    return this.drains.change('drain', name, endpoint, body.reason, source);
  }

  @Post('undrain')
  @HttpCode(200)
  @MinRole('operator')
  @ApiOperation({
    summary: 'Take a drained endpoint back into rotation',
    description: 'Creates a manual undrain-endpoint action (executing, one step) applied at once.',
  })
  @ApiOkResponse({ type: ActionDto })
  @ApiBadRequestResponse({ description: 'No reason given' })
  @ApiNotFoundResponse({ description: 'No such service or endpoint in the current config' })
  @ApiConflictResponse({ description: CONFLICT })
  undrain(
    @Param('name') name: string,
    @Param('endpoint') endpoint: string,
    @Body() body: DrainEndpointDto,
    @AuditSource() source: AuditActor,
  ): Promise<ActionDto> {
    return this.drains.change('undrain', name, endpoint, body.reason, source);
  }
}
