/**
 * How deep arrays and objects may nest in a request body or a config file. Real configs and API
 * bodies stay under 10 levels; a deeper one is an attack on the recursive code that walks it.
 */
export const MAX_NESTING_DEPTH = 64;

/** Character codes, which are also the UTF-8 bytes (no byte of a multibyte character is below 0x80). */
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text (a string, or its UTF-8 bytes) nests arrays and objects deeper than `max`, found by one pass over
 * the bytes before any parsing (brackets inside strings do not count). Malformed text is left to
 * the parser to refuse.
 */
export function jsonNestsDeeperThan(text: Uint8Array | string, max: number): boolean {
  const at = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const byte = at(i);
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
  return false;
}

/**
 * Whether a parsed value nests arrays and objects deeper than `max`, depth first and iterative (no
 * stack to overflow). A YAML alias is measured at every place it is used, and a cyclic value (an
 * alias inside its own anchor) is too deep by definition.
 */
export function valueNestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
