import { yaml } from '@codemirror/lang-yaml';
import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView, basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

interface YamlMergeProps {
  /** The older text (left) and the newer (right), with what to call them. */
  before: string;
  after: string;
  beforeLabel: string;
  afterLabel: string;
}

const readOnly = (label: string) => [
  basicSetup,
  yaml(),
  EditorState.readOnly.of(true),
  EditorView.editable.of(false),
  EditorView.contentAttributes.of({ 'aria-label': label }),
];

/** Two versions side by side, changed lines highlighted, unchanged stretches collapsed. Own chunk. */
export default function YamlMerge({ before, after, beforeLabel, afterLabel }: YamlMergeProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const merge = new MergeView({
      parent: host.current,
      a: { doc: before, extensions: readOnly(beforeLabel) },
      b: { doc: after, extensions: readOnly(afterLabel) },
      collapseUnchanged: { margin: 3, minSize: 6 },
      gutter: true,
    });
    for (const side of [merge.a, merge.b]) side.scrollDOM.tabIndex = 0;
    return () => merge.destroy();
  }, [before, after, beforeLabel, afterLabel]);
  return <div ref={host} className="yaml-merge" />;
}
