import { parseDuration } from '../silences/matchers';

/** When something a form creates ends: after a duration from now, or at a local date and time. */
export interface EndChoice {
  mode: 'duration' | 'until';
  /** `2h`, `30m`, `1d`. */
  duration: string;
  /** A `datetime-local` value. */
  until: string;
}

/** The chosen end as ISO 8601, or what is wrong with the choice. */
export function endTimeOf(choice: EndChoice, now = Date.now()): { at: string } | { error: string } {
  if (choice.mode === 'duration') {
    const ms = parseDuration(choice.duration);
    return ms === null
      ? { error: 'expected a duration such as 2h, 30m or 1d' }
      : { at: new Date(now + ms).toISOString() };
  }
  const at = new Date(choice.until);
  return choice.until && !Number.isNaN(at.getTime())
    ? { at: at.toISOString() }
    : { error: 'pick an end time' };
}
