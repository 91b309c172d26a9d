import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyService, AuditService, AuditSource, MinRole, type AuditActor } from '@libs/runtime';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto';

@ApiTags('api-keys')
@MinRole('admin')
@Controller('api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly audit: AuditService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the token is returned once' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async create(@Body() body: CreateApiKeyDto, @AuditSource() source: AuditActor): Promise<CreatedApiKeyDto> {
    const key = await this.keys.create(body.name, body.role, source.actor);
    await this.audit.record({
      ...source,
      action: 'api-key.create',
      target: `api-key/${key.name}`,
      summary: { id: key.id, role: key.role, prefix: key.prefix },
    });
    return key;
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
  async revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @AuditSource() source: AuditActor,
  ): Promise<ApiKeyDto> {
    const key = await this.keys.revoke(id);
    await this.audit.record({
      ...source,
      action: 'api-key.revoke',
      target: `api-key/${key.name}`,
      summary: { id },
    });
    return key;
  }
}
