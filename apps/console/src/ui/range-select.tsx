import { RANGES, type RangeKey } from '../health/time-ranges';

/** The time range of a page's charts (1 h / 24 h / 7 d), as a group of radio buttons. */
export function RangeSelect({
  value,
  onChange,
  label = 'Range',
}: {
  value: RangeKey;
  onChange(next: RangeKey): void;
  label?: string;
}) {
  return (
    <fieldset className="range-select">
      <legend>{label}</legend>
      {RANGES.map((range) => (
        <label key={range.key}>
          <input
            type="radio"
            name={label}
            value={range.key}
            checked={value === range.key}
            onChange={() => onChange(range.key)}
          />
          {range.label}
        </label>
      ))}
    </fieldset>
  );
}
