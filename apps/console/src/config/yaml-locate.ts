import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import type { PathSegment } from './paths';

/** Where a path lands in the YAML text: offsets, and whether the whole path exists. */
export interface Located {
  /** Offset of the key (for a map entry) or of the item (for a sequence element). */
  from: number;
  /** End of the value when it is a scalar, else of the key: a collection's block is not underlined. */
  to: number;
  /** False when only an ancestor exists (a missing field): the place is that ancestor's. */
  exact: boolean;
  /** How many segments were followed. */
  depth: number;
}

type Found = { node: unknown; from: number; to: number };

/** A node's start and end, from its range (`[start, valueEnd, nodeEnd]`). */
function span(node: unknown): { from: number; to: number } | null {
  const range = (node as Node | null)?.range;
  return range ? { from: range[0], to: range[1] } : null;
}

function keyText(pair: Pair): string | null {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  return key === null || key === undefined ? null : String(key as unknown);
}

/** The pair of `map` whose key is `key` (numbers match their decimal text). */
function entry(map: unknown, key: string | number): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => isPair(pair) && keyText(pair) === String(key));
}

/** The element of `seq` at an index, or named `{ name }`: its `name` (or `id`) is that name. */
function element(seq: unknown, segment: PathSegment): unknown {
  if (!isSeq(seq)) return undefined;
  if (typeof segment === 'number') return seq.items[segment];
  if (typeof segment === 'string') return /^\d+$/.test(segment) ? seq.items[Number(segment)] : undefined;
  return seq.items.find((item) => {
    for (const field of ['name', 'id']) {
      const pair = entry(item, field);
      if (pair && isScalar(pair.value) && String(pair.value.value) === segment.name) return true;
    }
    return false;
  });
}

/** One step down from `at` by `segment`, or null when nothing is there. */
function step(at: unknown, segment: PathSegment): Found | null {
  if (isMap(at) && typeof segment !== 'object') {
    const pair = entry(at, segment);
    if (!pair) return null;
    const key = span(pair.key);
    const value = span(pair.value);
    if (!key) return value ? { node: pair.value, ...value } : null;
    const scalarValue = isScalar(pair.value) && value;
    return { node: pair.value, from: key.from, to: scalarValue ? value.to : key.to };
  }
  const item = element(at, segment);
  const place = span(item);
  return place ? { node: item, ...place } : null;
}

/**
 * Follows `path` through the document: the place of the last node it reaches. A path that does not
 * exist (a required field that is missing, an index past the end) lands on its nearest existing
 * ancestor; the root (or an empty document) is the start of the text.
 */
export function locatePath(doc: Document, path: readonly PathSegment[]): Located {
  let at: unknown = doc.contents;
  const root = span(at);
  let place = { from: root?.from ?? 0, to: root?.from ?? 0 };
  let depth = 0;
  for (const segment of path) {
    const next = step(at, segment);
    if (!next) return { ...place, exact: false, depth };
    at = next.node;
    place = { from: next.from, to: next.to };
    depth++;
  }
  return { ...place, exact: true, depth };
}

/** The 1-based line of an offset in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The offset where 1-based `line` and `column` are, clamped to the text. */
export function offsetAt(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + Math.max(column - 1, 0), text.length);
}
