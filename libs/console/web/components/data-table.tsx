// A sortable table: header buttons sort (aria-sort says how), rows may be
// selectable by click or keyboard. Cells render through each column's format.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

export interface Column<R> {
  readonly key: string;
  readonly label: string;
  readonly value: (r: R) => number | string | null;
  readonly render?: (r: R) => ComponentChildren;
  readonly numeric?: boolean;
}

export function DataTable<R>(props: {
  caption: string;
  columns: readonly Column<R>[];
  rows: readonly R[];
  rowKey: (r: R) => string;
  initialSort?: { key: string; desc: boolean };
  onSelect?: (r: R) => void;
  selected?: string | undefined;
}) {
  const { columns, rows, rowKey, onSelect } = props;
  const [sort, setSort] = useState(props.initialSort ?? { key: columns[0]!.key, desc: false });
  const col = columns.find((c) => c.key === sort.key) ?? columns[0]!;
  const sorted = [...rows].sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    const c = x < y ? -1 : 1;
    return sort.desc ? -c : c;
  });
  return (
    <table class="data">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.key} scope="col" class={c.numeric ? 'num' : ''} aria-sort={c.key === sort.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
              <button type="button" onClick={() => setSort({ key: c.key, desc: c.key === sort.key ? !sort.desc : !!c.numeric })}>
                {c.label}
                <span aria-hidden="true">{c.key === sort.key ? (sort.desc ? ' ▾' : ' ▴') : ''}</span>
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {sorted.map((r) => {
          const k = rowKey(r);
          return (
            <tr
              key={k}
              class={onSelect ? 'selectable' : ''}
              aria-selected={onSelect ? props.selected === k : undefined}
              tabIndex={onSelect ? 0 : undefined}
              onClick={onSelect ? () => onSelect(r) : undefined}
              onKeyDown={onSelect ? (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onSelect(r)) : undefined}
            >
              {columns.map((c) => (
                <td key={c.key} class={c.numeric ? 'num' : ''}>
                  {c.render ? c.render(r) : c.value(r)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
