/**
 * CEL's `matches()` on RE2 (see regex/re2.ts). cel-js runs `string.matches(string)` on JavaScript's
 * backtracking RegExp and lets no one replace a standard function (a second `string.matches` overload
 * is refused as overlapping). So the rule environment registers `string.matchesRe2(string)`, and every
 * `x.matches(p)` call of a parsed rule is renamed to it before the type check: what operators write and
 * read stays `matches`, what runs is RE2.
 */
import type { ASTNode, Environment } from '@marcbachmann/cel-js';
import { compileRe2 } from '../regex/re2';
import { allNodes } from './cel-ast';

export const RE2_MATCHES = 'matchesRe2';

/** Registers `string.matchesRe2(string): bool` (a pattern RE2 refuses is an evaluation error). */
export function registerRe2Matches(env: Environment): Environment {
  return env.registerFunction(`string.${RE2_MATCHES}(string): bool`, (value: string, pattern: string) => {
    const compiled = compileRe2(pattern);
    if (!compiled.ok) throw new Error(`matches(): not a valid RE2 regular expression: ${compiled.message}`);
    return compiled.regex.test(value);
  });
}

/**
 * Points every `x.matches(p)` call under `root` at RE2, and returns the problems of its literal
 * patterns (a backreference, a lookahead: what RE2 refuses), with their offset in the expression.
 */
export function useRe2Matches(root: ASTNode): Array<{ message: string; start: number }> {
  const problems: Array<{ message: string; start: number }> = [];
  for (const node of allNodes(root)) {
    if (node.op !== 'rcall' || node.args[0] !== 'matches' || node.args[2].length !== 1) continue;
    // cel-js' AST is typed read-only; this rename, before the type check, is the one write to it.
    (node.args as unknown as string[])[0] = RE2_MATCHES;
    const pattern = node.args[2][0];
    if (pattern.op !== 'value' || typeof pattern.args !== 'string') continue;
    const compiled = compileRe2(pattern.args);
    if (!compiled.ok)
      problems.push({
        message: `matches(): not a valid RE2 regular expression: ${compiled.message}`,
        start: pattern.start,
      });
  }
  return problems;
}
