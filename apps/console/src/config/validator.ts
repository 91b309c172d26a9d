import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import type { Document } from 'yaml';
import {
  parseConfigYaml,
  referenceProblems,
  schemaProblems,
  syntaxProblems,
  type Problem,
  type SchemaError,
} from './problems';

/** Checks config text: YAML syntax first, then the JSON Schema and the endpoints' IDCs. */
export type ConfigChecker = (text: string) => { doc: Document; problems: Problem[] };

/** Compiles the schema; null when it cannot be (Ajv compiles to code, which a CSP without eval refuses). */
export function compileSchema(schema: object): ValidateFunction | null {
  try {
    return new Ajv2020({ allErrors: true, strict: false, validateFormats: false, logger: false }).compile(
      schema,
    );
  } catch {
    return null;
  }
}

/**
 * A checker for the config's JSON Schema (draft 2020-12, from GET /config/schema). Formats are not
 * checked (the server does, with messages of its own); unknown keywords are allowed (strict: false).
 * Without a validator, only YAML syntax and the endpoints' IDCs are checked.
 */
export function configChecker(validate: ValidateFunction | null): ConfigChecker {
  return (text) => {
    const doc = parseConfigYaml(text);
    const syntax = syntaxProblems(doc, text);
    if (syntax.length) return { doc, problems: syntax };
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      return { doc, problems: [{ from: 0, to: 0, line: 1, path: '', message: String(err), source: 'yaml' }] };
    }
    const errors = !validate || validate(value) ? [] : ((validate.errors ?? []) as SchemaError[]);
    return { doc, problems: [...schemaProblems(doc, text, errors), ...referenceProblems(doc, text, value)] };
  };
}
