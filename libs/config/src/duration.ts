/** A duration is written as one or more `<integer><unit>` parts, e.g. `500ms`, `5s`, `1m30s`, `1h`, `2d`. */
export const DURATION_PATTERN = /^(\d+(ms|s|m|h|d))+$/;

const PART = /(\d+)(ms|s|m|h|d)/g;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Largest units first, so that formatDuration writes the shortest canonical form. */
const UNITS_DESC: ReadonlyArray<[string, number]> = [
  ['d', UNIT_MS.d],
  ['h', UNIT_MS.h],
  ['m', UNIT_MS.m],
  ['s', UNIT_MS.s],
  ['ms', UNIT_MS.ms],
];

/** True when `text` is a well-formed duration string whose value fits in a safe integer of milliseconds. */
export function isDuration(text: string): boolean {
  if (!DURATION_PATTERN.test(text)) return false;
  return Number.isSafeInteger(sumParts(text));
}

/**
 * Parses a duration string (`500ms`, `5s`, `1m30s`, `1h`, `2d`) into milliseconds.
 * @throws Error when the text is not a valid duration.
 */
export function parseDuration(text: string): number {
  if (!DURATION_PATTERN.test(text)) {
    throw new Error(`invalid duration "${text}" (expected e.g. "500ms", "5s", "1m30s", "1h")`);
  }
  const ms = sumParts(text);
  if (!Number.isSafeInteger(ms)) throw new Error(`duration "${text}" is too large`);
  return ms;
}

/**
 * Formats milliseconds as the shortest duration string, e.g. 90000 -> "1m30s", 1500 -> "1s500ms", 0 -> "0s".
 * @throws Error for negative or non-integer input.
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`cannot format ${ms} as a duration`);
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS_DESC) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}

function sumParts(text: string): number {
  let total = 0;
  for (const match of text.matchAll(PART)) total += Number(match[1]) * UNIT_MS[match[2]];
  return total;
}
