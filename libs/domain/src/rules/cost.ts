/**
 * A rule's worst-case evaluation cost, estimated from its parsed expression at config apply: the
 * number of AST nodes one evaluation may visit. A comprehension (`all`, `exists`, `exists_one`, `map`,
 * `filter`) runs its body once per element, so nested ones multiply by the most elements each iterated
 * list can hold: a list literal its length, `alerts` MAX_ALERT_FACTS, a labels or annotations map
 * MAP_ENTRIES_BOUND, a `split()` SPLIT_BOUND, what an operator or function makes of lists (`dyn(x)`,
 * `c ? x : y`, `x[i]`) the largest of them, any other list UNKNOWN_LIST_BOUND. A rule over
 * MAX_RULE_COST is refused.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import { ALERT_LIMITS } from '../alerts/types';
import { childNodes } from './cel-ast';

/** The most nodes one evaluation of a rule may visit (about 50-100 ms of cel-js on one core). */
export const MAX_RULE_COST = 100_000;
/** The most firing alerts the rules see (the controller reads the newest this many). */
export const MAX_ALERT_FACTS = 5000;
/** Entries assumed of a labels or annotations map, for the estimate. */
export const MAP_ENTRIES_BOUND = 64;
/** Elements assumed of a list whose size is not known before evaluation (`split()`, a list in a list). */
export const UNKNOWN_LIST_BOUND = 100;
/** Elements of a `split()`: a string of the facts split into characters (an alert's annotations). */
export const SPLIT_BOUND = ALERT_LIMITS.annotationBytes;

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
const MAP_FIELDS = new Set(['labels', 'annotations']);

/** Cost of a subtree, and the most elements its value holds when it is a list or a map. */
interface Estimate {
  cost: number;
  size: number;
}

/** The worst-case number of nodes one evaluation of `root` visits (see the module comment). */
export function estimateCost(root: ASTNode): number {
  return estimate(root, new Map()).cost;
}

function estimate(node: ASTNode, sizes: ReadonlyMap<string, number>): Estimate {
  switch (node.op) {
    case 'value':
      return { cost: 1, size: 1 };
    case 'id':
      return { cost: 1, size: sizes.get(node.args) ?? (node.args === 'alerts' ? MAX_ALERT_FACTS : 1) };
    case '.':
    case '.?': {
      const target = estimate(node.args[0], sizes);
      return { cost: target.cost + 1, size: MAP_FIELDS.has(node.args[1]) ? MAP_ENTRIES_BOUND : 1 };
    }
    case 'list':
    case 'map':
      return { cost: 1 + sumCost(childNodes(node), sizes), size: node.args.length };
    case 'rcall':
      return estimateCall(node, sizes);
    case '+': {
      const [a, b] = node.args.map((arg) => estimate(arg, sizes));
      return { cost: 1 + a.cost + b.cost, size: a.size + b.size };
    }
    default: {
      // `dyn(alerts)` or `c ? alerts : []` is as large as what it wraps: never assume it smaller.
      const parts = childNodes(node).map((child) => estimate(child, sizes));
      return {
        cost: 1 + parts.reduce((total, part) => total + part.cost, 0),
        size: Math.max(UNKNOWN_LIST_BOUND, ...parts.map((part) => part.size)),
      };
    }
  }
}

function estimateCall(node: Extract<ASTNode, { op: 'rcall' }>, sizes: ReadonlyMap<string, number>): Estimate {
  const [name, receiver, args] = node.args;
  const target = estimate(receiver, sizes);
  const iterVar = args[0]?.op === 'id' ? args[0].args : undefined;
  if (COMPREHENSIONS.has(name) && iterVar !== undefined && args.length >= 2) {
    // The iteration variable's own size is not known: a list in a list.
    const inner = new Map(sizes).set(iterVar, UNKNOWN_LIST_BOUND);
    const body = sumCost(args.slice(1), inner);
    return { cost: 1 + target.cost + target.size * body, size: target.size };
  }
  if (name === 'bind' && receiver.op === 'id' && receiver.args === 'cel' && iterVar !== undefined) {
    const value = estimate(args[1], sizes);
    const body = estimate(args[2], new Map(sizes).set(iterVar, value.size));
    return { cost: 1 + value.cost + body.cost, size: body.size };
  }
  const size = name === 'split' ? SPLIT_BOUND : 1;
  return { cost: 1 + target.cost + sumCost(args, sizes), size };
}

function sumCost(nodes: readonly ASTNode[], sizes: ReadonlyMap<string, number>): number {
  return nodes.reduce((total, n) => total + estimate(n, sizes).cost, 0);
}
