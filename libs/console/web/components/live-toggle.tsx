// Live refresh on or paused, and when the figures on screen were fetched.
import { time } from '../lib/format.ts';

export function LiveToggle({ paused, onToggle, at, loading }: { paused: boolean; onToggle: () => void; at: number | undefined; loading: boolean }) {
  return (
    <span class="live">
      <button type="button" aria-pressed={!paused} onClick={onToggle}>
        {paused ? 'Live refresh paused' : 'Live refresh on'}
      </button>
      <span class="note" aria-live="polite">
        {loading ? 'refreshing…' : at ? `as of ${time(at)}` : ''}
      </span>
    </span>
  );
}
