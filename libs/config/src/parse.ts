import { CST, Lexer, parseDocument } from 'yaml';
import { findJsonError } from './json-text';
import { jsonNestsDeeperThan, MAX_NESTING_DEPTH, valueNestsDeeperThan } from './nesting';

/** The formats a config file may be written in. */
export type ConfigFormat = 'yaml' | 'json';

/** A parse problem, with the 1-based line and column of the first error. */
export interface ParseIssue {
  path: '';
  message: string;
  line: number;
  column: number;
}

export type ParseResult = { ok: true; value: unknown } | { ok: false; details: ParseIssue[] };

/** Larger config texts are refused before parsing (a config of thousands of services is far smaller). */
export const MAX_CONFIG_TEXT_LENGTH = 16 * 1024 * 1024;

/** Bounds alias expansion ("billion laughs"). */
const MAX_ALIAS_COUNT = 100;

const TOO_DEEP = `arrays and objects nested deeper than ${MAX_NESTING_DEPTH} levels`;

/**
 * Parses config text into a plain value, without validating it (see validateConfig). Duplicate keys
 * are errors in both formats; YAML allows anchors, aliases and merge keys (`<<`). On failure, reports
 * the first error with its line and column.
 */
export function parseConfigText(text: string, format: ConfigFormat): ParseResult {
  if (text.length > MAX_CONFIG_TEXT_LENGTH) {
    return failure(`config text is longer than ${MAX_CONFIG_TEXT_LENGTH} characters`, text, 0);
  }
  return format === 'json' ? parseJson(text) : parseYaml(text);
}

function parseJson(text: string): ParseResult {
  if (jsonNestsDeeperThan(text, MAX_NESTING_DEPTH)) return failure(`invalid JSON: ${TOO_DEEP}`, text, 0);
  const error = findJsonError(text);
  if (error) return failure(`invalid JSON: ${error.message}`, text, error.offset);
  return { ok: true, value: JSON.parse(text) as unknown };
}

function parseYaml(text: string): ParseResult {
  // Deep flow nesting (`[[[[...`) exhausts the YAML parser's memory: refuse it from the tokens first.
  if (flowNestsDeeperThan(text, MAX_NESTING_DEPTH)) return failure(`invalid YAML: ${TOO_DEEP}`, text, 0);
  const doc = parseDocument(text, { uniqueKeys: true, merge: true, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const message = error.code === 'DUPLICATE_KEY' ? duplicateKey(text.slice(...error.pos)) : error.message;
    return failure(`invalid YAML: ${message}`, text, error.pos[0]);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return failure(`invalid YAML: ${(err as Error).message}`, text, 0);
  }
  // Block nesting and aliases add depth that the flow tokens do not show.
  if (valueNestsDeeperThan(value, MAX_NESTING_DEPTH)) return failure(`invalid YAML: ${TOO_DEEP}`, text, 0);
  return { ok: true, value };
}

/** Whether YAML flow collections nest deeper than `max`; stops at the first token past it. */
function flowNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'flow-map-start' || type === 'flow-seq-start') {
      if (++depth > max) return true;
    } else if (type === 'flow-map-end' || type === 'flow-seq-end') depth--;
  }
  return false;
}

function duplicateKey(source: string): string {
  const key = source.trim();
  return key && key.length <= 60 && !key.includes('\n')
    ? `duplicate key ${JSON.stringify(key)}`
    : 'duplicate key';
}

function failure(message: string, text: string, offset: number): ParseResult {
  const { line, column } = lineAndColumn(text, offset);
  return { ok: false, details: [{ path: '', message, line, column }] };
}

/** 1-based line and column of a 0-based offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}
