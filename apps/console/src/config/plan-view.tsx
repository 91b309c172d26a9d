import type { Schema } from '../api';

type Plan = Schema<'PlanDto'>;

/** A field's value in a plan, compact: scalars as they are, collections as one-line JSON. */
function show(value: unknown): string {
  if (value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

const OP_WORD: Record<string, string> = { create: 'create', update: 'update', delete: 'delete' };

/** "2 to create, 1 to update, 0 to delete". */
export function planSummary(plan: Plan): string {
  const { create, update, delete: remove } = plan.summary;
  return `${create} to create, ${update} to update, ${remove} to delete`;
}

/** A plan: per IDC, service, rule, channel or settings, what is created, updated or deleted. */
export function PlanView({ plan, title = 'Plan' }: { plan: Plan; title?: string }) {
  return (
    <section className="plan" aria-label={title}>
      <p>
        <strong>{title}:</strong> {planSummary(plan)}
      </p>
      {plan.changes.length === 0 ? (
        <p className="muted">No changes.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">Kind</th>
              <th scope="col">Name</th>
              <th scope="col">Fields (before → after)</th>
            </tr>
          </thead>
          <tbody>
            {plan.changes.map((change) => (
              <tr key={`${change.kind}/${change.name}`}>
                <td>
                  <span className={`badge op-${change.op}`}>{OP_WORD[change.op] ?? change.op}</span>
                </td>
                <td>{change.kind}</td>
                <td>
                  <code>{change.name}</code>
                </td>
                <td>
                  {change.fields?.length ? (
                    <ul className="plan-fields">
                      {change.fields.map((field) => (
                        <li key={field.path}>
                          <code>{field.path}</code>: <del>{show(field.before)}</del> →{' '}
                          <ins>{show(field.after)}</ins>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
