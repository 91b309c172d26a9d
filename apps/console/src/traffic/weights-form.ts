/** The set-weights form's logic: what it starts from, what it accepts, and where a 400 lands. */

/** A field's text per IDC, as typed. */
export type WeightInputs = Record<string, string>;

export interface WeightsCheck {
  /** The body's `weights` when every field is valid and they add up to 100; else null. */
  weights: Record<string, number> | null;
  /** A message per IDC whose field is wrong. */
  fieldErrors: Record<string, string>;
  /** The sum of the valid fields. */
  total: number;
  /** Why the set as a whole is wrong (they do not add up to 100), if it is. */
  totalError: string | null;
}

/** The form's starting values: the weights in force (the override's, else the desired), one per IDC. */
export function initialWeightInputs(idcs: string[], current: Record<string, number>): WeightInputs {
  return Object.fromEntries(idcs.map((idc) => [idc, String(Math.round(current[idc] ?? 0))]));
}

/** Whole percentages from 0 to 100 that add up to exactly 100, as the API stores them. */
export function checkWeights(inputs: WeightInputs): WeightsCheck {
  const fieldErrors: Record<string, string> = {};
  const weights: Record<string, number> = {};
  let total = 0;
  for (const [idc, raw] of Object.entries(inputs)) {
    const text = raw.trim();
    if (!text) {
      fieldErrors[idc] = 'Enter a percentage from 0 to 100';
      continue;
    }
    const value = Number(text);
    if (!Number.isFinite(value) || !/^\d+(\.\d+)?$/.test(text)) {
      fieldErrors[idc] = 'Enter a number from 0 to 100';
    } else if (!Number.isInteger(value)) {
      fieldErrors[idc] = 'Use a whole percentage';
    } else if (value > 100) {
      fieldErrors[idc] = 'At most 100';
    } else {
      weights[idc] = value;
      total += value;
    }
  }
  const complete = Object.keys(fieldErrors).length === 0;
  const totalError =
    complete && total !== 100 ? `The weights add up to ${total}%; they must add up to 100%.` : null;
  return { weights: complete && !totalError ? weights : null, fieldErrors, total, totalError };
}

export interface ServerFieldErrors {
  /** Per IDC (from `weights.<idc>`), `weights` (the set) and `reason`. */
  fields: Record<string, string>;
  /** Messages naming no field of the form. */
  other: string[];
}

/** Where the API's 400 `details` (`[{ path, message }]`) belong in the form. */
export function serverFieldErrors(body: unknown, idcs: string[]): ServerFieldErrors {
  const result: ServerFieldErrors = { fields: {}, other: [] };
  const details = (body as { details?: unknown } | null)?.details;
  if (!Array.isArray(details)) return result;
  for (const detail of details as { path?: unknown; message?: unknown }[]) {
    const path = typeof detail.path === 'string' ? detail.path : '';
    const message = typeof detail.message === 'string' ? detail.message : 'invalid';
    const idc = path.startsWith('weights.') ? path.slice('weights.'.length) : null;
    const field =
      idc !== null && idcs.includes(idc) ? idc : path === 'weights' || path === 'reason' ? path : null;
    if (field === null) result.other.push(path ? `${path}: ${message}` : message);
    else result.fields[field] = result.fields[field] ? `${result.fields[field]}; ${message}` : message;
  }
  return result;
}

/** The change per IDC, for the confirmation: every IDC of either side, in the form's order. */
export function weightChanges(
  idcs: string[],
  current: Record<string, number>,
  next: Record<string, number>,
): { idc: string; from: number; to: number }[] {
  const all = [...idcs, ...Object.keys(current).filter((idc) => !idcs.includes(idc))];
  return all.map((idc) => ({ idc, from: current[idc] ?? 0, to: next[idc] ?? 0 }));
}
