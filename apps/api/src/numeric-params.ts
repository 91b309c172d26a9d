import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';
import { badField } from './health/time-range';

/** The largest Postgres `integer` (int4): config versions, offsets. */
export const INT4_MAX = 2_147_483_647;
/** The largest Postgres `bigint` (int8): the ids of audit entries and health events. */
export const INT8_MAX = 9_223_372_036_854_775_807n;

/** The one wording of every numeric 400, after the parameter's name. */
export const intRange = (min: number | bigint, max: number | bigint) =>
  `must be an integer from ${min} to ${max}`;

/**
 * `text` as an integer from `min` to `max`, else undefined. Plain decimal digits only: Number() would
 * also take "1e20", "1.5", "0x10", " 7" and "" (as 0), which are refused here. BigInt, so that a
 * 20-digit value is compared exactly rather than rounded.
 */
export function boundedInt(text: unknown, min: number | bigint, max: number | bigint): bigint | undefined {
  if (typeof text !== 'string' || !/^\d{1,20}$/.test(text)) return undefined;
  const n = BigInt(text);
  return n >= BigInt(min) && n <= BigInt(max) ? n : undefined;
}

/**
 * A query field holding an integer from `min` to `max` (a number once validated). Anything else,
 * including a repeated parameter, is a 400 naming the field: `offset: must be an integer from 0 to …`.
 */
export const IntQuery = (min: number, max: number, doc: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: min, maximum: max, ...doc }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) => {
      const n = boundedInt(value, min, max);
      return n === undefined ? value : Number(n);
    }),
    ValidateBy({
      name: 'boundedInt',
      validator: {
        validate: (value) =>
          typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
        defaultMessage: () => intRange(min, max),
      },
    }),
  );

/**
 * A query field holding an int8 id as decimal text, from `min` to {@link INT8_MAX}: it stays a string,
 * as a JavaScript number cannot hold every bigint.
 */
export const Int8Query = (min: number, doc: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'string', pattern: '^[0-9]{1,19}$', ...doc }),
    IsOptional(),
    ValidateBy({
      name: 'int8',
      validator: {
        validate: (value) => boundedInt(value, min, INT8_MAX) !== undefined,
        defaultMessage: () => intRange(min, INT8_MAX),
      },
    }),
  );

const intPath = createParamDecorator(
  ({ name, min, max }: { name: string; min: number; max: number }, ctx: ExecutionContext): number => {
    const text = ctx.switchToHttp().getRequest<{ params: Record<string, string> }>().params[name];
    const n = boundedInt(text, min, max);
    if (n === undefined) throw badField(name, intRange(min, max));
    return Number(n);
  },
);

/**
 * The path parameter `name` as an integer from `min` to `max`; anything else is a 400 naming it. A
 * param decorator of its own, not a pipe on `@Param`: the global ValidationPipe would first turn the
 * text into a number with `+value`, taking "0x10" as 16 and "" as 0.
 */
export const IntPath = (name: string, min: number, max: number) => intPath({ name, min, max });
