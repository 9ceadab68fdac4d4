// One headline figure with its label (and unit inside the value).
export function Tile({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div class="tile" role="group" aria-label={label}>
      <div class="tile-label">{label}</div>
      <div class="tile-value" data-figure={label}>
        {value}
      </div>
      {hint && <div class="tile-hint">{hint}</div>}
    </div>
  );
}
