/** A health state as a coloured badge; the colour is never the only cue (the word is always there). */
export function StateBadge({ state, title }: { state: string; title?: string }) {
  return (
    <span className={`badge state-${state.toLowerCase()}`} title={title}>
      {state}
    </span>
  );
}
