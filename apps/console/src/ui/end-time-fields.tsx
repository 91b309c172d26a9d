import { useId } from 'react';
import type { EndChoice } from './end-time';

interface EndTimeFieldsProps {
  choice: EndChoice;
  onChange(choice: EndChoice): void;
  placeholder: string;
  /** Marks the chosen field invalid (its error is shown by the form). */
  invalid?: boolean;
}

/** "After <duration>" or "At <date and time>": typing in one field chooses it. */
export function EndTimeFields({ choice, onChange, placeholder, invalid }: EndTimeFieldsProps) {
  const name = `${useId()}-end`;
  const set = (patch: Partial<EndChoice>) => onChange({ ...choice, ...patch });
  const invalidIf = (mode: EndChoice['mode']) => (invalid && choice.mode === mode ? true : undefined);
  return (
    <div className="end-choice">
      <label className="field inline">
        <input
          type="radio"
          name={name}
          checked={choice.mode === 'duration'}
          onChange={() => set({ mode: 'duration' })}
        />
        After
      </label>
      <label className="field inline">
        Duration
        <input
          value={choice.duration}
          size={8}
          onChange={(e) => set({ duration: e.target.value })}
          onFocus={() => set({ mode: 'duration' })}
          placeholder={placeholder}
          aria-invalid={invalidIf('duration')}
        />
      </label>
      <label className="field inline">
        <input
          type="radio"
          name={name}
          checked={choice.mode === 'until'}
          onChange={() => set({ mode: 'until' })}
        />
        At
      </label>
      <label className="field inline">
        Until
        <input
          type="datetime-local"
          value={choice.until}
          onChange={(e) => set({ until: e.target.value, mode: 'until' })}
          aria-invalid={invalidIf('until')}
        />
      </label>
    </div>
  );
}
