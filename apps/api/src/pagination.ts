import { BadRequestException } from '@nestjs/common';
import { INT4_MAX, IntQuery } from './numeric-params';

/** `?limit=`: 1-1000, default 100; the one page size rule of every list. */
export const LimitParam = () => IntQuery(1, 1000, { default: 100 });

/** `?limit=&offset=` for the list views. */
export class PageQuery {
  @LimitParam()
  limit = 100;

  @IntQuery(0, INT4_MAX, { default: 0 })
  offset = 0;
}

/** One page of a list view. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * The opaque `next` cursor of a keyset-paginated list: base64url of `<prefix><key>`, the page's last
 * key. `decode` refuses anything that is not such a cursor (a 400 on `cursor`).
 */
export function cursorCodec(prefix: string, key: RegExp) {
  return {
    encode: (value: string) => Buffer.from(prefix + value).toString('base64url'),
    decode: (cursor: string): string => {
      const text = Buffer.from(cursor, 'base64url').toString('utf8');
      const value = text.startsWith(prefix) ? text.slice(prefix.length) : '';
      if (!key.test(value)) {
        const path = 'cursor';
        const message = 'expected the `next` of a previous page';
        throw new BadRequestException({ message: `${path}: ${message}`, details: [{ path, message }] });
      }
      return value;
    },
  };
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
