import { badRequest } from '@libs/runtime';

/**
 * Reads `If-Match` as the config version the caller based its change on: `3`, `"3"` or `W/"3"`
 * (as returned in the ETag of GET /config). `0` means "no version applied yet".
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match) {
    throw badRequest([{ path: 'If-Match', message: 'expected a config version number such as "3"' }]);
  }
  return Number(match[1]);
}
