import { yaml } from '@codemirror/lang-yaml';
import { forceLinting, lintGutter, linter, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, basicSetup } from 'codemirror';
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import prebuilt from 'virtual:config-validator';
import { serverProblems, type Problem, type ServerIssue } from './problems';
import { compileSchema, configChecker, type ConfigChecker } from './validator';

/** What the page can ask of the editor. */
export interface YamlEditorHandle {
  /** Moves the cursor to `offset`, scrolls it into view and focuses the editor. */
  focusAt(offset: number): void;
}

export interface YamlEditorProps {
  /** The text; replaces the editor's content whenever `resetKey` changes. */
  value: string;
  resetKey: string | number;
  readOnly: boolean;
  /** The config's JSON Schema; without it only YAML syntax is checked. */
  schema: object | null;
  /** The server's 400 details for the current text: shown in place. */
  serverIssues: readonly ServerIssue[];
  label: string;
  onChange(text: string): void;
  /** Every lint pass's problems (the editor's own and the server's), for a list next to it. */
  onProblems?(problems: Problem[]): void;
  /** Told whether the schema compiled (a CSP without 'unsafe-eval' refuses Ajv's compiled code). */
  onSchemaChecked?(usable: boolean): void;
  handle?: Ref<YamlEditorHandle>;
}

const toDiagnostic = (problem: Problem): Diagnostic => ({
  from: problem.from,
  to: problem.to,
  severity: 'error',
  source: problem.source === 'server' ? 'server' : problem.source === 'yaml' ? 'YAML' : 'schema',
  message: problem.path ? `${problem.path}: ${problem.message}` : problem.message,
});

/**
 * The config in CodeMirror 6 with YAML highlighting and lint as you type: syntax errors, JSON Schema
 * errors and the server's problems, each at its line. Loaded as its own chunk.
 */
export default function YamlEditor(props: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const checker = useRef<ConfigChecker | null>(null);
  const editable = useRef(new Compartment());

  useImperativeHandle(props.handle, () => ({
    focusAt(offset: number) {
      const v = view.current;
      if (!v) return;
      const anchor = Math.min(offset, v.state.doc.length);
      v.dispatch({ selection: { anchor }, scrollIntoView: true });
      v.focus();
    },
  }));

  useEffect(() => {
    if (!host.current) return;
    const lint = linter(
      (v) => {
        const text = v.state.doc.toString();
        const own = checker.current?.(text);
        const doc = own?.doc;
        const mine = own?.problems ?? [];
        // The server's problems the editor already shows (an unknown IDC) appear once.
        const server = (doc ? serverProblems(doc, text, latest.current.serverIssues) : []).filter(
          (p) => !mine.some((m) => m.from === p.from && m.message === p.message),
        );
        const problems = [...mine, ...server];
        latest.current.onProblems?.(problems);
        return problems.map(toDiagnostic);
      },
      { delay: 250 },
    );
    const created = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: latest.current.value,
        extensions: [
          basicSetup,
          yaml(),
          lint,
          lintGutter(),
          editable.current.of(readOnlyExtensions(latest.current.readOnly)),
          EditorView.contentAttributes.of({ 'aria-label': latest.current.label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    // axe: a scrollable region must be reachable by keyboard, also when the content is read-only.
    created.scrollDOM.tabIndex = 0;
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
  }, []);

  // A new base text (a reload, an apply): replace the content.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state.doc.toString();
    if (current !== latest.current.value) {
      v.dispatch({ changes: { from: 0, to: current.length, insert: latest.current.value } });
    }
  }, [props.resetKey]);

  useEffect(() => {
    view.current?.dispatch({ effects: editable.current.reconfigure(readOnlyExtensions(props.readOnly)) });
  }, [props.readOnly]);

  useEffect(() => {
    // The server's schema when this page may compile it, else the same schema compiled at build time.
    const validate = (props.schema ? compileSchema(props.schema) : null) ?? prebuilt;
    latest.current.onSchemaChecked?.(true);
    checker.current = configChecker(validate);
    if (view.current) forceLinting(view.current);
  }, [props.schema]);

  useEffect(() => {
    if (view.current) forceLinting(view.current);
  }, [props.serverIssues]);

  return <div ref={host} className="yaml-editor" data-testid="config-editor" />;
}

function readOnlyExtensions(readOnly: boolean) {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}
