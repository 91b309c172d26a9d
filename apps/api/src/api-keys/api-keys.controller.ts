import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyService, AuditSource, MinRole, type AuditActor } from '@libs/runtime';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto';

@ApiTags('api-keys')
@MinRole('admin')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the token is returned once' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(@Body() body: CreateApiKeyDto, @AuditSource() source: AuditActor): Promise<CreatedApiKeyDto> {
    return this.keys.create(body.name, body.role, source);
  }

  @Get()
  @ApiOperation({ summary: 'List active API keys (never their tokens)' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(): Promise<ApiKeyDto[]> {
    return this.keys.list();
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key at once' })
  @ApiOkResponse({ type: ApiKeyDto })
  revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @AuditSource() source: AuditActor,
  ): Promise<ApiKeyDto> {
    return this.keys.revoke(id, source);
  }
}
