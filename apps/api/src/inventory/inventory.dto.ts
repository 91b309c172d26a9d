import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { PageQuery } from '../pagination';

export class EndpointQuery extends PageQuery {
  /** Only endpoints of this service */
  @IsOptional()
  @IsString()
  service?: string;

  /** Only endpoints in this IDC */
  @IsOptional()
  @IsString()
  idc?: string;
}

export class IdcDto {
  name!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) region!: string | null;
  capacity!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  /** The config version this view comes from */
  configVersion!: number;
}

export class ServiceSummaryDto {
  name!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  endpointCount!: number;
  configVersion!: number;
}

export class ServiceIdcDto {
  idc!: string;
  endpoints!: number;
  /** Sum of the endpoint capacities */
  capacity!: number;
}

export class ServiceDto extends ServiceSummaryDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'checks, weights, trafficManager, policy',
  })
  spec!: Record<string, unknown>;
  idcs!: ServiceIdcDto[];
}

export class EndpointDto {
  @ApiProperty({ example: 'live-edge.sha-1', description: '<service>.<name>, stable across applies' })
  id!: string;
  service!: string;
  name!: string;
  idc!: string;
  /** The url or host:port probed */
  target!: string;
  capacity!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  configVersion!: number;
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
export const IdcPage = page(IdcDto, 'IdcPage');
export const ServicePage = page(ServiceSummaryDto, 'ServicePage');
export const EndpointPage = page(EndpointDto, 'EndpointPage');
