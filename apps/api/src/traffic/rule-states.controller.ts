import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@libs/runtime';
import { RuleStateListDto } from './rule-states.dto';
import { RuleStatesService } from './rule-states.service';

/** The rules engine as the console shows it: each rule of the config with its live state. */
@ApiTags('automation')
@Controller('automation/rules')
export class RuleStatesController {
  constructor(private readonly rules: RuleStatesService) {}

  @Get()
  @MinRole('viewer')
  @ApiOperation({
    summary: "The config's rules with their live state per (service, IDC)",
    description:
      "Read from the controller leader's rule memory (its `for:` states and cooldown clocks, kept in Redis): " +
      'pending, firing, cooldown or disabled per target, when it last fired and how much cooldown is left. ' +
      'Only targets the memory holds something for are listed; any other is inactive.',
  })
  @ApiOkResponse({ type: RuleStateListDto })
  list(): Promise<RuleStateListDto> {
    return this.rules.list();
  }
}
