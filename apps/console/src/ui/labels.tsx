/** Labels or annotations (`key=value`) as a compact list. */
export function LabelList({
  labels,
  label,
}: {
  labels: Record<string, string> | null | undefined;
  label: string;
}) {
  const entries = Object.entries(labels ?? {});
  if (!entries.length) return <span className="muted">none</span>;
  return (
    <ul className="label-list" aria-label={label}>
      {entries.map(([k, v]) => (
        <li key={k}>
          <code>
            {k}={v}
          </code>
        </li>
      ))}
    </ul>
  );
}
