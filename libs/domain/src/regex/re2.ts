/**
 * Every user-supplied regex (silence matchers, probe body regexes, CEL `matches()`) runs here: RE2's
 * syntax (Alertmanager's and CEL's own) on a linear-time engine, so no pattern can backtrack for
 * seconds over a long value. JavaScript's RegExp is never given one.
 */
import { RE2JS } from 're2js';

/** A compiled pattern: `test` looks for a match anywhere in the value. */
export interface Re2 {
  readonly source: string;
  test(value: string): boolean;
}

export type Re2Result = { ok: true; regex: Re2 } | { ok: false; message: string };

/** Compiled patterns kept by source (the oldest dropped first): a tick reuses the same few. */
const CACHE_SIZE = 1000;
const cache = new Map<string, Re2Result>();

/**
 * Compiles `source` with RE2's syntax. A pattern RE2 refuses (a backreference, a lookaround, a repeat
 * count over 1000) is `ok: false` with RE2's message, e.g. "invalid escape sequence: `\1`".
 */
export function compileRe2(source: string): Re2Result {
  const cached = cache.get(source);
  if (cached) return cached;
  let result: Re2Result;
  try {
    const compiled = RE2JS.compile(source);
    result = { ok: true, regex: { source, test: (value) => compiled.test(value) } };
  } catch (error) {
    const message = (error as Error).message.replace(/^error parsing regexp: /, '');
    result = { ok: false, message };
  }
  cache.set(source, result);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return result;
}

/** `source` compiled to match the whole value (`^(?:source)$`, as Alertmanager anchors matchers). */
export function compileAnchoredRe2(source: string): Re2Result {
  // Checked alone first: a message about the pattern as written, and no `a)|(b` slipping through the wrap.
  const plain = compileRe2(source);
  return plain.ok ? compileRe2(`^(?:${source})$`) : plain;
}
