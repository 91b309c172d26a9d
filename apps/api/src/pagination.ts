import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?limit=`: 1-1000, default 100; the one page size rule of every list. */
export const LimitParam = () =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(1000),
  );

/** `?limit=&offset=` for the list views. */
export class PageQuery {
  @LimitParam()
  limit = 100;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset = 0;
}

/** One page of a list view. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
