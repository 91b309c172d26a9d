import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { MinRole } from '@libs/runtime';
import { PageQuery } from '../pagination';
import { InventoryService } from './inventory.service';

class EndpointQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only endpoints of this service' })
  @IsOptional()
  @IsString()
  service?: string;

  @ApiPropertyOptional({ description: 'Only endpoints in this IDC' })
  @IsOptional()
  @IsString()
  idc?: string;
}

class IdcDto {
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) region!: string | null;
  @ApiProperty() capacity!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  @ApiProperty({ description: 'The config version this view comes from' }) configVersion!: number;
}

class ServiceSummaryDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  @ApiProperty() endpointCount!: number;
  @ApiProperty() configVersion!: number;
}

class ServiceIdcDto {
  @ApiProperty() idc!: string;
  @ApiProperty() endpoints!: number;
  @ApiProperty({ description: 'Sum of the endpoint capacities' }) capacity!: number;
}

class ServiceDto extends ServiceSummaryDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'checks, weights, trafficManager, policy',
  })
  spec!: Record<string, unknown>;
  @ApiProperty({ type: [ServiceIdcDto] }) idcs!: ServiceIdcDto[];
}

class EndpointDto {
  @ApiProperty({ example: 'live-edge.sha-1', description: '<service>.<name>, stable across applies' })
  id!: string;
  @ApiProperty() service!: string;
  @ApiProperty() name!: string;
  @ApiProperty() idc!: string;
  @ApiProperty({ description: 'The url or host:port probed' }) target!: string;
  @ApiProperty() capacity!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  @ApiProperty() configVersion!: number;
}

const page = <T>(item: new () => T, name: string) => {
  class PageDto {
    @ApiProperty({ type: [item] }) items!: T[];
    @ApiProperty() total!: number;
    @ApiProperty() limit!: number;
    @ApiProperty() offset!: number;
  }
  Object.defineProperty(PageDto, 'name', { value: name });
  return PageDto;
};
const IdcPage = page(IdcDto, 'IdcPage');
const ServicePage = page(ServiceSummaryDto, 'ServicePage');
const EndpointPage = page(EndpointDto, 'EndpointPage');

/** Read views of the current config: what Vigil is watching. */
@ApiTags('inventory')
@MinRole('viewer')
@Controller()
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Get('idcs')
  @ApiOperation({ summary: 'IDCs' })
  @ApiOkResponse({ type: IdcPage })
  idcs(@Query() q: PageQuery) {
    return this.inventory.listIdcs(q.limit, q.offset);
  }

  @Get('services')
  @ApiOperation({ summary: 'Services' })
  @ApiOkResponse({ type: ServicePage })
  services(@Query() q: PageQuery) {
    return this.inventory.listServices(q.limit, q.offset);
  }

  @Get('services/:name')
  @ApiOperation({ summary: 'One service with its spec and endpoints per IDC' })
  @ApiOkResponse({ type: ServiceDto })
  service(@Param('name') name: string) {
    return this.inventory.getService(name);
  }

  @Get('endpoints')
  @ApiOperation({ summary: 'Endpoints, filtered by service and IDC' })
  @ApiOkResponse({ type: EndpointPage })
  endpoints(@Query() q: EndpointQuery) {
    return this.inventory.listEndpoints({ service: q.service, idc: q.idc }, q.limit, q.offset);
  }
}
