import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { jsonNestsDeeperThan, MAX_NESTING_DEPTH } from '@libs/config';
import type { FieldIssue } from '@libs/domain';

/** A webhook request as the body parser of webhook routes leaves it (see bootstrap.ts). */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A 400 in the API's shape, `details` naming each field. */
export function badBody(details: readonly FieldIssue[]): BadRequestException {
  const message = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  return new BadRequestException({ message, details });
}

/**
 * The JSON value of a webhook body: 415 unless the type is JSON (application/json or +json, UTF-8),
 * 400 for an empty body, bytes that are not UTF-8, text that is not JSON, or nesting past 64 levels.
 */
export function jsonBody(req: WebhookRequest): unknown {
  const header = req.headers['content-type'];
  const [type, ...params] = (typeof header === 'string' ? header : '').split(';').map((p) => p.trim());
  if (!JSON_TYPE.test(type.toLowerCase())) {
    throw new UnsupportedMediaTypeException(
      `expected Content-Type: application/json, got "${type.slice(0, 100)}"`,
    );
  }
  const charset = params
    .find((p) => p.toLowerCase().startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new UnsupportedMediaTypeException(`expected UTF-8 JSON, got charset "${charset.slice(0, 40)}"`);
  }
  const raw = req.rawBody;
  if (!raw || raw.length === 0) throw badBody([{ path: '', message: 'empty body; expected JSON' }]);
  if (jsonNestsDeeperThan(raw, MAX_NESTING_DEPTH)) {
    throw badBody([
      { path: '', message: `arrays and objects nested deeper than ${MAX_NESTING_DEPTH} levels` },
    ]);
  }
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw badBody([{ path: '', message: 'the body is not UTF-8' }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badBody([{ path: '', message: `the body is not JSON: ${(err as Error).message.slice(0, 200)}` }]);
  }
}
