import Ajv2020 from 'ajv/dist/2020';
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

/**
 * A checker for the config's JSON Schema (draft 2020-12, from GET /config/schema). Formats are not
 * checked (the server does, with messages of its own); unknown keywords are allowed (strict: false).
 */
export function configChecker(schema: object): ConfigChecker {
  const validate = new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
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
    const errors = validate(value) ? [] : ((validate.errors ?? []) as SchemaError[]);
    return { doc, problems: [...schemaProblems(doc, text, errors), ...referenceProblems(doc, text, value)] };
  };
}
