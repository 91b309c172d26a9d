import { parseDocument, type Document } from 'yaml';
import { formatPath, parsePointer, parseServerPath, type PathSegment } from './paths';
import { lineAt, locatePath, offsetAt } from './yaml-locate';

/** One problem in the config text, placed where the editor underlines it. */
export interface Problem {
  from: number;
  to: number;
  /** 1-based line of `from`. */
  line: number;
  /** Where in the config, as the server writes it (`services[0].endpoints[2].idc`); '' for syntax. */
  path: string;
  message: string;
  source: 'yaml' | 'schema' | 'server';
}

/** A problem as the server's 400 `details` lists it; parse errors carry a line and column. */
export interface ServerIssue {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** The subset of an Ajv error this reads (Ajv's ErrorObject). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Parses config text as the server does (unique keys, merge keys), keeping node ranges. */
export function parseConfigYaml(text: string): Document {
  return parseDocument(text, { uniqueKeys: true, merge: true, prettyErrors: false });
}

/** An end offset on the same line as `from` (at least one character when the line has one). */
function clampToLine(text: string, from: number, to: number): number {
  const lineEnd = text.indexOf('\n', from);
  const end = lineEnd < 0 ? text.length : lineEnd;
  return Math.max(Math.min(to, end), Math.min(from + 1, end));
}

function placed(
  text: string,
  from: number,
  to: number,
  rest: Omit<Problem, 'from' | 'to' | 'line'>,
): Problem {
  const start = Math.min(Math.max(from, 0), text.length);
  return { from: start, to: clampToLine(text, start, to), line: lineAt(text, start), ...rest };
}

/** The document's syntax errors, at their positions. */
export function syntaxProblems(doc: Document, text: string): Problem[] {
  return doc.errors.map((error) =>
    placed(text, error.pos[0], error.pos[1], {
      path: '',
      message: error.message.split('\n')[0],
      source: 'yaml',
    }),
  );
}

/** A problem at `segments` in the document: the nearest existing node when the path is missing. */
function atPath(
  doc: Document,
  text: string,
  segments: readonly PathSegment[],
  message: string,
  source: Problem['source'],
): Problem {
  const at = locatePath(doc, segments);
  return placed(text, at.from, at.to, { path: formatPath(segments), message, source });
}

/**
 * Ajv's errors as problems: the path of a missing field names the field (placed at its parent), an
 * unknown field its key. Duplicates (same path and message, as `oneOf` branches give) appear once.
 */
export function schemaProblems(doc: Document, text: string, errors: readonly SchemaError[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const error of errors) {
    const segments = parsePointer(error.instancePath);
    let message = error.message ?? error.keyword;
    if (error.keyword === 'required' && typeof error.params.missingProperty === 'string') {
      segments.push(error.params.missingProperty);
      message = 'is required';
    } else if (
      error.keyword === 'additionalProperties' &&
      typeof error.params.additionalProperty === 'string'
    ) {
      segments.push(error.params.additionalProperty);
      message = 'unknown field';
    } else if (error.keyword === 'enum' && Array.isArray(error.params.allowedValues)) {
      message = `must be one of ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const key = `${formatPath(segments)}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(atPath(doc, text, segments, message, 'schema'));
  }
  return out;
}

/** The server's 400 details as problems: by line and column when given, else by path. */
export function serverProblems(doc: Document, text: string, issues: readonly ServerIssue[]): Problem[] {
  return issues.map((issue) => {
    if (typeof issue.line === 'number') {
      const from = offsetAt(text, issue.line, issue.column ?? 1);
      return placed(text, from, from + 1, { path: issue.path, message: issue.message, source: 'server' });
    }
    const problem = atPath(doc, text, parseServerPath(issue.path), issue.message, 'server');
    return { ...problem, path: issue.path };
  });
}

/** The `details` of a 400 body, when it has them. */
export function issuesOf(body: unknown): ServerIssue[] {
  const details = (body as { details?: unknown } | null)?.details;
  if (!Array.isArray(details)) return [];
  return details.filter(
    (d): d is ServerIssue =>
      typeof d === 'object' && d !== null && typeof (d as ServerIssue).message === 'string',
  );
}

/**
 * The one cross-reference the schema cannot check and typos break most: every endpoint's `idc` must
 * name an IDC of `idcs` (the server says the same, `unknown IDC "x"`, on Plan or Apply).
 */
export function referenceProblems(doc: Document, text: string, value: unknown): Problem[] {
  const config = value as { idcs?: unknown; services?: unknown } | null;
  if (!config || !Array.isArray(config.idcs) || !Array.isArray(config.services)) return [];
  const idcs = new Set(
    config.idcs.map((idc) => (idc as { name?: unknown } | null)?.name).filter((n) => typeof n === 'string'),
  );
  const out: Problem[] = [];
  config.services.forEach((service, s) => {
    const endpoints = (service as { endpoints?: unknown } | null)?.endpoints;
    if (!Array.isArray(endpoints)) return;
    endpoints.forEach((endpoint, e) => {
      const idc = (endpoint as { idc?: unknown } | null)?.idc;
      if (typeof idc === 'string' && !idcs.has(idc)) {
        out.push(atPath(doc, text, ['services', s, 'endpoints', e, 'idc'], `unknown IDC "${idc}"`, 'schema'));
      }
    });
  });
  return out;
}
