/** Words of PromQL that are not metric names where a metric name could stand. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'atan2', 'bool', 'offset', 'inf', 'nan', 'start', 'end']);

/**
 * The metric names a PromQL expression selects, e.g. `rate(vigil_probes_total{a="b"}[1m])` names
 * `vigil_probes_total`. A lexical reading, enough for dashboard queries (this Prometheus has no
 * /api/v1/parse_query): strings, label matchers, ranges and grouping clauses are dropped, then every
 * identifier left that is not a function call, a keyword or part of a number is a metric name.
 */
export function promqlMetricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\b(group_left|group_right)\b/g, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/\d[\w.]*|[a-zA-Z_:][\w:]*/g)) {
    const word = m[0];
    if (/^\d/.test(word) || KEYWORDS.has(word.toLowerCase())) continue;
    if (/^\s*\(/.test(bare.slice(m.index + word.length))) continue; // a function
    names.add(word);
  }
  return [...names];
}

/** The metric a Grafana `label_values(metric, label)` variable query reads; none for `label_values(label)`. */
export function labelValuesMetric(query: string): string[] {
  const m = /^\s*label_values\(\s*(.+),\s*\w+\s*\)\s*$/.exec(query);
  return m ? promqlMetricNames(m[1]) : [];
}
