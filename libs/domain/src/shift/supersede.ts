/**
 * One action per service at a time, and the one exception to it.
 */

/** What the rule needs to know of an open action (awaiting approval, executing or held). */
export interface OpenAction {
  kind: string;
  idc: string | null;
}

/**
 * Whether a new `kind` action on `idc` may go ahead given the service's open actions, and which of
 * them it supersedes:
 *
 * | open actions                     | new action        | go ahead | supersedes |
 * |----------------------------------|-------------------|----------|------------|
 * | none                             | any               | yes      | none       |
 * | only failbacks of `idc`          | shift-away of idc | yes      | all of them |
 * | anything else                    | any               | no       | none       |
 *
 * The way out is never damped: an IDC that fails again during its failback must lose its traffic,
 * and a failback held on its failing receiver would otherwise keep the service's one slot for good.
 */
export function supersedes<A extends OpenAction>(
  open: readonly A[],
  kind: string,
  idc: string,
): { proceed: boolean; superseded: A[] } {
  if (open.length === 0) return { proceed: true, superseded: [] };
  const onlyFailbacksOfIdc = open.every((a) => a.kind === 'failback' && a.idc === idc);
  if (kind === 'shift-away' && onlyFailbacksOfIdc) return { proceed: true, superseded: [...open] };
  return { proceed: false, superseded: [] };
}
