interface ChoiceFilterProps {
  label: string;
  /** The chosen value; empty or undefined: any. */
  value: string | undefined;
  choices: readonly string[];
  onChange(value: string): void;
  /** How a choice reads, when not as its value. */
  describe?: (choice: string) => string;
}

/** A labelled select over a list filter's choices, with "any" first. */
export function ChoiceFilter({ label, value, choices, onChange, describe }: ChoiceFilterProps) {
  return (
    <label className="field inline">
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">any</option>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {describe ? describe(choice) : choice}
          </option>
        ))}
      </select>
    </label>
  );
}
