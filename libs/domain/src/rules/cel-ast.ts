/** Walking cel-js' parsed AST (its public `ASTNode` shape: `op` and an operator-specific `args`). */
import type { ASTNode } from '@marcbachmann/cel-js';

/** Whether `value` is an AST node (and not a literal, a name or a list of nodes). */
export function isNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && 'op' in value && 'args' in value;
}

/** The child nodes of `node`, in source order. Literals (`value`) and names (`id`) have none. */
export function childNodes(node: ASTNode): ASTNode[] {
  if (node.op === 'value' || node.op === 'id') return [];
  const out: ASTNode[] = [];
  const collect = (value: unknown): void => {
    if (isNode(value)) out.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
  };
  collect(node.args);
  return out;
}

/** Every node of the tree under `root` (root first). */
export function allNodes(root: ASTNode): ASTNode[] {
  const out: ASTNode[] = [];
  const stack = [root];
  while (stack.length) {
    const node = stack.pop() as ASTNode;
    out.push(node);
    stack.push(...childNodes(node).reverse());
  }
  return out;
}
