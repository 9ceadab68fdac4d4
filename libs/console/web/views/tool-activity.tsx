// Tool activity: filters (workspace, plugin, tool, outcome, range) in the URL;
// a sortable per-tool table; the selected tool's charts with anomalies shaded;
// a click on a bucket or an anomaly lists that bucket's samples, a click on a
// sample opens its trace. Every step of the drill is in the URL too.
import { fetchAnomalies, fetchSeries, peak, sum, type Anomaly, type Filters } from '../data/series.ts';
import { count, int, ms, pct, time } from '../lib/format.ts';
import { rangeKey, resolveRange } from '../lib/ranges.ts';
import { location, setParams } from '../lib/route.ts';
import { org } from '../lib/session.ts';
import { useResource } from '../lib/use-resource.ts';
import { DataTable } from '../components/data-table.tsx';
import { FilterBar } from '../components/filter-bar.tsx';
import { RangePicker } from '../components/range-picker.tsx';
import { Empty, ErrorBanner } from '../components/status.tsx';
import { ToolCharts } from '../components/tool-charts.tsx';
import { SamplesPanel } from './samples-panel.tsx';
import { CallTracePanel } from './call-trace.tsx';

const OUTCOMES = ['ok', 'error', 'denied', 'timeout', 'cancelled'];

async function load(orgId: string, r: { from: number; to: number }, f: Filters, signal: AbortSignal) {
  const [tools, anomalies] = await Promise.all([
    fetchSeries(orgId, { ...r, ...f, groupBy: 'tool', metrics: ['calls', 'errors', 'p50', 'p99', 'tokens_in', 'tokens_out'], top: 50 }, signal),
    fetchAnomalies(orgId, { ...r, ...f }, signal),
  ]);
  return { tools, anomalies };
}

export function ToolActivity() {
  const p = location.value.params;
  const range = rangeKey(p.get('range'), '1h');
  const filters: Filters = { workspace: p.get('workspace') ?? '', plugin: p.get('plugin') ?? '', tool: p.get('tool') ?? '', outcome: p.get('outcome') ?? '' };
  // The range is fixed when the view opens (and in the URL once drilled), so buckets stay put.
  const r = p.get('from') && p.get('to') ? { from: Number(p.get('from')), to: Number(p.get('to')) } : resolveRange(range);
  const res = useResource((signal) => load(org.value, r, filters, signal), [org.value, r.from, r.to, JSON.stringify(filters)]);
  const anomalies = res.data?.anomalies.items ?? [];
  const rows = (res.data?.tools.groups ?? []).map((g) => {
    const calls = sum(g.metrics.calls);
    return { g, calls, errors: sum(g.metrics.errors), p50: peak(g.metrics.p50), p99: peak(g.metrics.p99), tokens: sum(g.metrics.tokens_in) + sum(g.metrics.tokens_out) };
  });
  // The selected tool: the URL's, else the one with the strongest anomaly, else the busiest.
  const sel = p.get('sel') ?? (anomalies[0] ? `${anomalies[0].plugin}/${anomalies[0].tool}` : rows.sort((a, b) => b.calls - a.calls)[0]?.g.label);
  const selected = rows.find((x) => x.g.label === sel);
  const pinned = { from: String(r.from), to: String(r.to) };
  const openBucket = (label: string, startMs: number, endMs: number) => setParams({ ...pinned, sel: label, b_from: String(startMs), b_to: String(endMs), sample: null }, true);

  return (
    <section aria-labelledby="tools-title">
      <h1 id="tools-title">Tool activity</h1>
      <div class="toolbar">
        <RangePicker value={range} onChange={(k) => setParams({ range: k, from: null, to: null, b_from: null, b_to: null, sample: null })} />
        <span class="note">
          {time(r.from)} – {time(r.to)}
        </span>
      </div>
      <FilterBar
        fields={[
          { name: 'workspace', label: 'Workspace', kind: 'text' },
          { name: 'plugin', label: 'Plugin (server)', kind: 'text' },
          { name: 'tool', label: 'Tool', kind: 'text' },
          { name: 'outcome', label: 'Outcome', kind: 'select', options: OUTCOMES },
        ]}
        values={filters as Record<string, string>}
        onApply={(v) => setParams({ ...v, sel: null, b_from: null, b_to: null, sample: null }, true)}
      />
      <ErrorBanner error={res.error} retry={res.reload} />
      <AnomalyList items={anomalies} method={res.data?.anomalies.method} onOpen={(a) => openBucket(`${a.plugin}/${a.tool}`, a.bucket_start, a.bucket_end)} />
      {res.data && rows.length === 0 && <Empty>No tool calls match these filters in this range.</Empty>}
      <DataTable
        caption="Per tool in the range (p50 and p99: the worst bucket); select a tool for its charts"
        rows={rows}
        rowKey={(x) => x.g.label}
        selected={sel}
        initialSort={{ key: 'calls', desc: true }}
        onSelect={(x) => setParams({ sel: x.g.label, b_from: null, b_to: null, sample: null })}
        columns={[
          { key: 'tool', label: 'Tool', value: (x) => x.g.label },
          { key: 'calls', label: 'Calls', numeric: true, value: (x) => x.calls, render: (x) => count(x.calls, 'calls') },
          { key: 'rate', label: 'Error rate', numeric: true, value: (x) => (x.calls ? x.errors / x.calls : null), render: (x) => pct(x.calls ? x.errors / x.calls : null) },
          { key: 'p50', label: 'p50', numeric: true, value: (x) => x.p50, render: (x) => ms(x.p50) },
          { key: 'p99', label: 'p99', numeric: true, value: (x) => x.p99, render: (x) => ms(x.p99) },
          { key: 'tokens', label: 'Tokens', numeric: true, value: (x) => x.tokens, render: (x) => `${int(x.tokens)} tok` },
        ]}
      />
      {selected && res.data && (
        <ToolCharts
          series={res.data.tools}
          group={selected.g}
          anomalies={anomalies.filter((a) => `${a.plugin}/${a.tool}` === selected.g.label)}
          onBucket={(startMs) => openBucket(selected.g.label, startMs, startMs + res.data!.tools.step_ms)}
        />
      )}
      {p.get('b_from') && sel && <SamplesPanel label={sel} fromMs={Number(p.get('b_from'))} toMs={Number(p.get('b_to'))} workspace={filters.workspace ?? ''} />}
      {p.get('sample') && <CallTracePanel eventId={p.get('sample')!} />}
    </section>
  );
}

function AnomalyList({ items, method, onOpen }: { items: readonly Anomaly[]; method: string | undefined; onOpen: (a: Anomaly) => void }) {
  if (items.length === 0) return method ? <p class="note">No anomalies in this range ({method}).</p> : null;
  return (
    <div class="card anomalies" role="group" aria-label="Anomalies">
      <h2>Anomalies</h2>
      <p class="hint">
        {items.length} buckets, strongest first. {method}
      </p>
      <ul>
        {items.slice(0, 40).map((a) => (
          <li key={`${a.plugin}/${a.tool}/${a.metric}/${a.bucket_start}`}>
            <button type="button" class="link" onClick={() => onOpen(a)}>
              {a.plugin}/{a.tool}: {a.metric === 'error_rate' ? `error rate ${pct(a.observed)} (baseline ${pct(a.baseline)})` : `p99 ${ms(a.observed)} (baseline ${ms(a.baseline)})`} at {time(a.bucket_start)}, {count(a.calls, 'calls')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
