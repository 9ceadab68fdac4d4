// The range buttons every time-based view shares; the choice is in the URL.
import { RANGES, type RangeKey } from '../lib/ranges.ts';

export function RangePicker({ value, onChange, keys = Object.keys(RANGES) as RangeKey[] }: { value: RangeKey; onChange: (k: RangeKey) => void; keys?: readonly RangeKey[] }) {
  return (
    <div class="segmented" role="group" aria-label="Time range">
      {keys.map((k) => (
        <button type="button" key={k} aria-pressed={value === k} onClick={() => onChange(k)}>
          {RANGES[k].label}
        </button>
      ))}
    </div>
  );
}
