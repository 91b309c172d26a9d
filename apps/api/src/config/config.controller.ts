import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Post,
  Put,
  Query,
  Res,
  UnsupportedMediaTypeException,
  BadRequestException,
  NotFoundException,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { configJsonSchema, parseConfigText, serializeConfig } from '@libs/config';
import { AuditSource, MinRole, type AuditActor } from '@libs/runtime';
import { INT4_MAX, IntPath } from '../numeric-params';
import { PageQuery } from '../pagination';
import {
  ApplyQuery,
  ApplyResultDto,
  DiffQuery,
  PlanDto,
  RestoreQuery,
  VersionDto,
  VersionPageDto,
} from './config.dto';
import { ConfigCentreService } from './config-centre.service';
import { parseIfMatch } from './if-match';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'Apply only if the current version is this one (the ETag of GET /config); 409 otherwise',
};

/** `:n`, a config version: 400 naming `n` unless an integer from 1 to int4's max (the column's type). */
const Version = () => IntPath('n', 1, INT4_MAX);
const VersionParam = () =>
  ApiParam({
    name: 'n',
    description: 'A config version',
    schema: { type: 'integer', minimum: 1, maximum: INT4_MAX },
  });

@ApiTags('config')
@Controller('config')
export class ConfigController {
  constructor(private readonly config: ConfigCentreService) {}

  @Put()
  @HttpCode(200)
  @MinRole('operator')
  @ApiOperation({
    summary: 'Apply the whole desired state (YAML or JSON)',
    description: 'All or nothing: a new version when anything changed; `dryRun=true` returns the plan only.',
  })
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody({ schema: { $ref: '#/components/schemas/VigilConfig' } })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ApplyResultDto })
  @ApiBadRequestResponse({ description: 'Invalid config: `details` lists every problem with its path' })
  @ApiConflictResponse({ description: 'If-Match does not name the current version' })
  @ApiPayloadTooLargeResponse({ description: 'Body over VIGIL_MAX_BODY_BYTES' })
  apply(
    @Body() body: unknown,
    @Query() query: ApplyQuery,
    @Headers('if-match') ifMatch: string | undefined,
    @AuditSource() source: AuditActor,
  ): Promise<ApplyResultDto> {
    const raw = this.parseBody(body);
    return this.config.apply(raw, {
      dryRun: query.dryRun,
      message: query.message,
      ifMatch: parseIfMatch(ifMatch),
      source,
    });
  }

  @Get()
  @MinRole('viewer')
  @ApiOperation({ summary: 'The current config (secrets redacted); YAML when Accept asks for it, else JSON' })
  @ApiProduces('application/json', 'application/yaml')
  @ApiOkResponse({ description: 'The config; the ETag header is its version' })
  async current(@Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const head = await this.config.head();
    if (!head) throw new NotFoundException('no config has been applied yet');
    res.setHeader('ETag', `"${head.version}"`);
    const document = this.config.redacted(head);
    if (accept && /yaml/i.test(accept)) {
      res.type('application/yaml');
      return serializeConfig(document, 'yaml');
    }
    return document;
  }

  @Get('schema')
  @MinRole('viewer')
  @ApiOperation({ summary: 'The JSON Schema of the config file (for editors)' })
  @ApiOkResponse({
    description: 'JSON Schema (draft 2020-12)',
    schema: { type: 'object', additionalProperties: true },
  })
  schema() {
    return configJsonSchema();
  }

  @Get('versions')
  @MinRole('viewer')
  @ApiOperation({ summary: 'Applied versions, newest first' })
  @ApiOkResponse({ type: VersionPageDto })
  versions(@Query() page: PageQuery): Promise<VersionPageDto> {
    return this.config.listVersions(page.limit, page.offset);
  }

  @Get('versions/:n')
  @MinRole('viewer')
  @ApiOperation({ summary: 'One version: who, when, why, its plan and its document (secrets redacted)' })
  @VersionParam()
  @ApiOkResponse({ type: VersionDto })
  async version(@Version() n: number): Promise<VersionDto> {
    const v = await this.config.getVersion(n);
    return {
      ...v,
      document: this.config.redacted(v) as Record<string, unknown>,
    };
  }

  @Get('versions/:n/diff')
  @MinRole('viewer')
  @ApiOperation({ summary: 'What changes from version `against` (default n-1) to version n' })
  @VersionParam()
  @ApiOkResponse({ type: PlanDto })
  diff(@Version() n: number, @Query() query: DiffQuery): Promise<PlanDto> {
    return this.config.diff(n, query.against ?? Math.max(n - 1, 0));
  }

  @Post('versions/:n/restore')
  @HttpCode(200)
  @MinRole('operator')
  @ApiOperation({ summary: 'Make version n current again, as a new version' })
  @ApiHeader(IF_MATCH)
  @VersionParam()
  @ApiOkResponse({ type: ApplyResultDto })
  restore(
    @Version() n: number,
    @Query() query: RestoreQuery,
    @Headers('if-match') ifMatch: string | undefined,
    @AuditSource() source: AuditActor,
  ): Promise<ApplyResultDto> {
    return this.config.restore(n, { message: query.message, ifMatch: parseIfMatch(ifMatch), source });
  }

  /** JSON bodies arrive parsed; YAML arrives as text and is parsed here, with line and column on error. */
  private parseBody(body: unknown): unknown {
    if (body === undefined) {
      throw new UnsupportedMediaTypeException('send the config as application/yaml or application/json');
    }
    if (typeof body !== 'string') return body;
    const parsed = parseConfigText(body, 'yaml');
    if (!parsed.ok) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `malformed YAML: ${parsed.details[0]?.message ?? 'unreadable'}`,
        details: parsed.details,
      });
    }
    return parsed.value;
  }
}
