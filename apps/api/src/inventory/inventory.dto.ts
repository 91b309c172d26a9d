import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { PageQuery } from '../pagination';

export class EndpointQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only endpoints of this service' })
  @IsOptional()
  @IsString()
  service?: string;

  @ApiPropertyOptional({ description: 'Only endpoints in this IDC' })
  @IsOptional()
  @IsString()
  idc?: string;
}

export class IdcDto {
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) region!: string | null;
  @ApiProperty() capacity!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  @ApiProperty({ description: 'The config version this view comes from' }) configVersion!: number;
}

export class ServiceSummaryDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  @ApiProperty() endpointCount!: number;
  @ApiProperty() configVersion!: number;
}

export class ServiceIdcDto {
  @ApiProperty() idc!: string;
  @ApiProperty() endpoints!: number;
  @ApiProperty({ description: 'Sum of the endpoint capacities' }) capacity!: number;
}

export class ServiceDto extends ServiceSummaryDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'checks, weights, trafficManager, policy',
  })
  spec!: Record<string, unknown>;
  @ApiProperty({ type: [ServiceIdcDto] }) idcs!: ServiceIdcDto[];
}

export class EndpointDto {
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
export const IdcPage = page(IdcDto, 'IdcPage');
export const ServicePage = page(ServiceSummaryDto, 'ServicePage');
export const EndpointPage = page(EndpointDto, 'EndpointPage');
