/** An endpoint's probe states as a vantage × check matrix. */

export interface VantageCheck {
  vantage: string;
  check: string;
  state: string;
}

export interface CheckMatrix<T extends VantageCheck> {
  vantages: string[];
  checks: string[];
  /** The state of (vantage, check); undefined when that vantage does not run that check. */
  cell(vantage: string, check: string): T | undefined;
}

/** Rows per vantage and columns per check, both sorted by name. */
export function checkMatrix<T extends VantageCheck>(entries: T[]): CheckMatrix<T> {
  const cells = new Map(entries.map((e) => [`${e.vantage}\u0000${e.check}`, e]));
  return {
    vantages: [...new Set(entries.map((e) => e.vantage))].sort(),
    checks: [...new Set(entries.map((e) => e.check))].sort(),
    cell: (vantage, check) => cells.get(`${vantage}\u0000${check}`),
  };
}
