// A row of labelled filter fields applied together (Enter or the Apply
// button), so typing does not fire a request per key stroke.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface FilterField {
  readonly name: string;
  readonly label: string;
  readonly kind: 'search' | 'text' | 'select' | 'date';
  readonly options?: readonly string[];
  readonly placeholder?: string;
}

export function FilterBar({ fields, values, onApply, children }: { fields: readonly FilterField[]; values: Record<string, string>; onApply: (v: Record<string, string>) => void; children?: ComponentChildren }) {
  const [draft, setDraft] = useState(values);
  const current = JSON.stringify(values);
  useEffect(() => setDraft(values), [current]);
  const set = (name: string, value: string, apply = false) => {
    const next = { ...draft, [name]: value };
    setDraft(next);
    if (apply) onApply(next);
  };
  return (
    <form
      class="filters"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      {fields.map((f) => (
        <label key={f.name} class="field">
          <span>{f.label}</span>
          {f.kind === 'select' ? (
            <select name={f.name} value={draft[f.name] ?? ''} onChange={(e) => set(f.name, (e.target as HTMLSelectElement).value, true)}>
              <option value="">any</option>
              {f.options!.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : (
            <input
              name={f.name}
              type={f.kind as 'text'}
              value={draft[f.name] ?? ''}
              placeholder={f.placeholder}
              onInput={(e) => set(f.name, (e.target as HTMLInputElement).value)}
              onChange={f.kind === 'date' ? (e) => set(f.name, (e.target as HTMLInputElement).value, true) : undefined}
            />
          )}
        </label>
      ))}
      <button type="submit">Apply</button>
      {children}
    </form>
  );
}
