import type { ReadBack } from './adapter';

/** What Vigil applied (or means to be in force): percent per IDC and the endpoints in drain. */
export interface ExpectedTraffic {
  weights: Readonly<Record<string, number>>;
  /** Undefined: drain states are not compared. */
  drained?: readonly string[];
}

/**
 * Why what the traffic manager has in force differs from what Vigil applied, or undefined when it
 * does not: every IDC's weight within the read's tolerance (an IDC missing on one side counts as 0)
 * and, when compared, the same endpoints in drain. One line for operators, e.g.
 * `weights differ: sha 50% applied, 0% in force; bj 50% applied, 100% in force`.
 */
export function readBackMismatch(
  expected: ExpectedTraffic,
  read: Extract<ReadBack, { ok: true }>,
): string | undefined {
  const problems: string[] = [];
  const idcs = [...new Set([...Object.keys(expected.weights), ...Object.keys(read.weights)])].sort();
  const off = idcs.filter(
    (idc) => Math.abs((expected.weights[idc] ?? 0) - (read.weights[idc] ?? 0)) > read.tolerance,
  );
  if (off.length > 0) {
    const pct = (n: number) => `${Math.round(n * 100) / 100}%`;
    problems.push(
      `weights differ: ${off
        .map(
          (idc) =>
            `${idc} ${pct(expected.weights[idc] ?? 0)} applied, ${pct(read.weights[idc] ?? 0)} in force`,
        )
        .join('; ')}`,
    );
  }
  if (expected.drained !== undefined) {
    const want = new Set(expected.drained);
    const have = new Set(read.drained);
    const missing = [...want].filter((name) => !have.has(name)).sort();
    const extra = [...have].filter((name) => !want.has(name)).sort();
    if (missing.length > 0) problems.push(`not in drain: ${missing.join(', ')}`);
    if (extra.length > 0) problems.push(`in drain although not drained by Vigil: ${extra.join(', ')}`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}
