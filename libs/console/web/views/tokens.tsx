// Tokens: input against output over time for the org, and per server, tool,
// workspace or actor as a sortable table, with the table as CSV.
import { fetchTokens, TOKEN_GROUPS, tokenColumns, tokensCsv } from '../data/tokens.ts';
import { saveBlob } from '../lib/download.ts';
import { count, int, pct } from '../lib/format.ts';
import { rangeKey, resolveRange, type RangeKey } from '../lib/ranges.ts';
import { location, setParams } from '../lib/route.ts';
import { org } from '../lib/session.ts';
import { useResource } from '../lib/use-resource.ts';
import { DataTable } from '../components/data-table.tsx';
import { RangePicker } from '../components/range-picker.tsx';
import { Empty, ErrorBanner } from '../components/status.tsx';
import { TimeChart } from '../components/time-chart.tsx';
import { Tile } from '../components/tile.tsx';

const KEYS: RangeKey[] = ['6h', '24h', '7d', '30d'];
const tokens = (v: number | null) => (v === null ? '–' : `${int(Math.round(v))} tok`);

export function Tokens() {
  const p = location.value.params;
  const range = rangeKey(p.get('range'), '24h');
  const groupBy = (TOKEN_GROUPS as readonly string[]).includes(p.get('group_by') ?? '') ? p.get('group_by')! : 'server';
  const interval = range === '30d' ? 'day' : 'hour';
  const res = useResource((s) => fetchTokens(org.value, { ...resolveRange(range), groupBy, interval }, s), [org.value, range, groupBy]);
  const a = res.data;
  const xRange: [number, number] | undefined = a ? [Date.parse(a.from) / 1000, Date.parse(a.to) / 1000] : undefined;
  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">Tokens</h1>
      <div class="toolbar">
        <RangePicker value={range} keys={KEYS} onChange={(k) => setParams({ range: k })} />
        <label class="field">
          <span>Group by</span>
          <select value={groupBy} onChange={(e) => setParams({ group_by: (e.target as HTMLSelectElement).value })}>
            {TOKEN_GROUPS.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!a} onClick={() => a && saveBlob(new Blob([tokensCsv(a)], { type: 'text/csv' }), `mcpg-tokens-${org.value}-${groupBy}.csv`)}>
          Download CSV
        </button>
      </div>
      <ErrorBanner error={res.error} retry={res.reload} />
      <div class="tiles">
        <Tile label="Input tokens" value={count(a?.totals.input, 'tok')} />
        <Tile label="Output tokens" value={count(a?.totals.output, 'tok')} />
        <Tile label="Total" value={count(a?.totals.total, 'tok')} />
        <Tile label="Output share" value={a && a.totals.total > 0 ? pct(a.totals.output / a.totals.total, 1) : '–'} />
      </div>
      <TimeChart
        title={`Tokens per ${interval} (${range})`}
        data={a ? tokenColumns(a) : [[], [], []]}
        xRange={xRange}
        series={[
          { label: 'Input', format: tokens, color: '--series-1' },
          { label: 'Output', format: tokens, color: '--series-2' },
        ]}
      />
      {a && a.top.length === 0 ? (
        <Empty>No tool calls with tokens in this range.</Empty>
      ) : (
        <DataTable
          caption={`Tokens per ${groupBy}, heaviest first (the rest as __other__)`}
          rows={a?.top ?? []}
          rowKey={(r) => r.group}
          initialSort={{ key: 'total', desc: true }}
          columns={[
            { key: 'group', label: groupBy, value: (r) => r.group },
            { key: 'input', label: 'Input', numeric: true, value: (r) => r.input, render: (r) => `${int(r.input)} tok` },
            { key: 'output', label: 'Output', numeric: true, value: (r) => r.output, render: (r) => `${int(r.output)} tok` },
            { key: 'total', label: 'Total', numeric: true, value: (r) => r.total, render: (r) => `${int(r.total)} tok` },
            { key: 'share', label: 'Share of total', numeric: true, value: (r) => (a && a.totals.total ? r.total / a.totals.total : 0), render: (r) => pct(a && a.totals.total ? r.total / a.totals.total : null, 1) },
          ]}
        />
      )}
    </section>
  );
}
