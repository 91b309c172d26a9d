import { z } from 'zod';
import { KEY_MESSAGE_SEPARATOR } from './error-map';
import { ConfigIssue, issueAt } from './path';

/**
 * Turns one zod issue into config issues. An unknown-keys issue becomes one issue per key, at the
 * key's own path, so each typo is reported where it is.
 */
export function zodIssueToIssues(issue: z.core.$ZodIssue): ConfigIssue[] {
  const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
  if (issue.code === 'unrecognized_keys') {
    const messages = issue.message.split(KEY_MESSAGE_SEPARATOR);
    return issue.keys.map((key, i) =>
      issueAt([...path, key], messages[i] ?? `unknown field ${JSON.stringify(key)}`),
    );
  }
  return [issueAt(path, issue.message)];
}

/** Removes repeated (path, message) pairs, keeping the first occurrence. */
export function uniqueIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\n${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
