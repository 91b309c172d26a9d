/** The machine-readable output formats: the API's JSON as it came, or the same data as YAML. */
import { stringify } from 'yaml';
import type { OutputFormat } from './context';

/** `-o json`: indented JSON; `-o yaml`: YAML (the same data); `-o text`: the rendering. */
export function formatOutput(json: unknown, format: OutputFormat, text: () => string): string {
  if (format === 'json') return JSON.stringify(json, null, 2);
  if (format === 'yaml') return stringify(json ?? null).trimEnd();
  return text();
}

/** One item of a stream: NDJSON for json, a `---`-led YAML document for yaml, else the text line. */
export function formatItem(json: unknown, format: OutputFormat, text: () => string): string {
  if (format === 'json') return JSON.stringify(json);
  if (format === 'yaml') return `---\n${stringify(json ?? null).trimEnd()}`;
  return text();
}
