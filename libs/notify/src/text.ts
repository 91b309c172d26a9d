/** Text helpers shared by the formats: clipping to a provider's limit, one-line summaries, escaping. */

/** Appended to text cut short. */
export const ELLIPSIS = '…';

/**
 * `text` escaped by `escape`, cut so the result is at most `max` UTF-16 units and ends in `…` when cut.
 * Never splits a character (surrogate pair) or an escape sequence.
 */
export function clip(text: string, max: number, escape: (s: string) => string = (s) => s): string {
  const whole = escape(text);
  if (whole.length <= max) return whole;
  let out = '';
  for (const char of text) {
    const piece = escape(char);
    if (out.length + piece.length > max - ELLIPSIS.length) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/** Whitespace runs (newlines included) folded to one space, trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Slack's escaping: `&`, `<` and `>` (and only those) as HTML entities, so text cannot form links or
 * mentions (`<!channel>`) by accident.
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Epoch ms as ISO 8601 (UTC). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
