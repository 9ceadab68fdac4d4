// Overview: the org's traffic over a chosen range with live refresh — calls/s,
// success and error rate, latency quantiles, the tools with most calls,
// errors and the worst p99 — and a pipeline-health strip. Refreshes wait for
// the previous answer (never two in flight) and can be paused.
import { useState } from 'preact/hooks';
import { fetchPipelineHealth, type PipelineHealth } from '../data/pipeline.ts';
import { columns, fetchSeries, latest, peak, sum, type Series } from '../data/series.ts';
import { age, count, int, ms, pct, rate } from '../lib/format.ts';
import { rangeKey, resolveRange } from '../lib/ranges.ts';
import { location, setParams } from '../lib/route.ts';
import { org } from '../lib/session.ts';
import { useResource, type Progress } from '../lib/use-resource.ts';
import { DataTable } from '../components/data-table.tsx';
import { LiveToggle } from '../components/live-toggle.tsx';
import { RangePicker } from '../components/range-picker.tsx';
import { ErrorBanner } from '../components/status.tsx';
import { Tile } from '../components/tile.tsx';
import { TimeChart } from '../components/time-chart.tsx';

const REFRESH_MS = 15_000;
const perSec = (s: Series | undefined, v: number) => (s && s.to > s.from ? v / ((s.to - s.from) / 1000) : null);

interface OverviewData {
  readonly total?: Series;
  readonly tools?: Series;
  readonly health?: PipelineHealth;
}

// The three requests go out together and each part is drawn as it lands: the
// figures and charts need only the org-wide series, so they do not wait for
// the top tools or the pipeline strip (the slowest of the three had held the
// whole page back). On a refresh the previous answer's parts stay until
// theirs arrive; the next refresh waits for all three.
async function load(orgId: string, range: ReturnType<typeof rangeKey>, signal: AbortSignal, progress: Progress<OverviewData>): Promise<OverviewData> {
  const r = resolveRange(range);
  const [total, tools, health] = await Promise.all([
    fetchSeries(orgId, { ...r, groupBy: 'none', metrics: ['calls', 'errors', 'error_rate', 'p50', 'p90', 'p95', 'p99', 'lag_p50', 'lag_p99'] }, signal).then((total) => {
      progress((shown) => ({ ...shown, total }));
      return total;
    }),
    fetchSeries(orgId, { ...r, groupBy: 'tool', metrics: ['calls', 'errors', 'p99'], top: 20 }, signal).then((tools) => {
      progress((shown) => ({ ...shown, tools }));
      return tools;
    }),
    fetchPipelineHealth(orgId, signal).then((health) => {
      progress((shown) => ({ ...shown, health }));
      return health;
    }),
  ]);
  return { total, tools, health };
}

export function Overview() {
  const range = rangeKey(location.value.params.get('range'), '1h');
  const [paused, setPaused] = useState(false);
  const res = useResource<OverviewData>((signal, progress) => load(org.value, range, signal, progress), [org.value, range], { refreshMs: REFRESH_MS, paused });
  const s = res.data?.total;
  const g = s?.groups[0];
  const calls = sum(g?.metrics.calls);
  const errors = sum(g?.metrics.errors);
  const tools = (res.data?.tools?.groups ?? []).map((t) => ({ label: t.label, key: t.key, calls: sum(t.metrics.calls), errors: sum(t.metrics.errors), p99: peak(t.metrics.p99) }));
  const health = res.data?.health;
  const quantile = (m: 'p50' | 'p90' | 'p95' | 'p99') => ms(latest(g?.metrics[m])[0]);
  const stepLabel = s ? `latest ${s.step} bucket` : '';
  const xRange: [number, number] | undefined = s ? [s.from / 1000, s.to / 1000] : undefined;

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <div class="toolbar">
        <RangePicker value={range} onChange={(k) => setParams({ range: k })} />
        <LiveToggle paused={paused} onToggle={() => setPaused(!paused)} at={res.at} loading={res.loading} />
      </div>
      <ErrorBanner error={res.error} retry={res.reload} />
      <div class="tiles">
        <Tile label="Calls" value={s ? count(calls, 'calls') : '–'} hint={s ? `${s.step} buckets, ${s.tier} tier` : ''} />
        <Tile label="Call rate" value={rate(perSec(s, calls))} hint="mean over the range" />
        <Tile label="Success rate" value={s ? pct(calls ? 1 - errors / calls : null) : '–'} hint="not error or timeout" />
        <Tile label="Error rate" value={s ? pct(calls ? errors / calls : null) : '–'} hint={s ? count(errors, 'errors') : ''} />
        <Tile label="p50 latency" value={quantile('p50')} hint={stepLabel} />
        <Tile label="p90 latency" value={quantile('p90')} hint={stepLabel} />
        <Tile label="p95 latency" value={quantile('p95')} hint={stepLabel} />
        <Tile label="p99 latency" value={quantile('p99')} hint={stepLabel} />
      </div>
      <div class="strip" role="group" aria-label="Pipeline health">
        <span>
          Ingest lag p50 <b>{ms(latest(g?.metrics.lag_p50)[0])}</b>
        </span>
        <span>
          Ingest lag p99 <b>{ms(latest(g?.metrics.lag_p99)[0])}</b>
        </span>
        <span>
          Dead letters <b>{health ? count(health.deadLetters, 'messages') : '–'}</b>
        </span>
        <span>
          Last checkpoint <b>{health?.lastCheckpointMs ? `${age(health.lastCheckpointMs)} ago (event time)` : 'none signed'}</b>
        </span>
      </div>
      <div class="charts">
        <TimeChart title="Calls and errors per bucket" data={s ? columns(s, g, ['calls', 'errors']) : [[], [], []]} xRange={xRange} series={[
          { label: 'Calls', format: (v) => (v === null ? '–' : `${int(v)} calls`), color: '--series-1' },
          { label: 'Errors', format: (v) => (v === null ? '–' : `${int(v)} errors`), color: '--series-5' },
        ]} />
        <TimeChart title="Latency per bucket" data={s ? columns(s, g, ['p50', 'p90', 'p95', 'p99']) : [[], [], [], [], []]} xRange={xRange} series={[
          { label: 'p50', format: ms, color: '--series-3' },
          { label: 'p90', format: ms, color: '--series-1' },
          { label: 'p95', format: ms, color: '--series-4' },
          { label: 'p99', format: ms, color: '--series-2' },
        ]} />
      </div>
      <DataTable
        caption="Top tools in the range (p99: the worst bucket)"
        rows={tools}
        rowKey={(t) => t.label}
        initialSort={{ key: 'calls', desc: true }}
        columns={[
          { key: 'label', label: 'Tool', value: (t) => t.label },
          { key: 'calls', label: 'Calls', numeric: true, value: (t) => t.calls, render: (t) => count(t.calls, 'calls') },
          { key: 'errors', label: 'Errors', numeric: true, value: (t) => t.errors, render: (t) => count(t.errors, 'errors') },
          { key: 'rate', label: 'Error rate', numeric: true, value: (t) => (t.calls ? t.errors / t.calls : null), render: (t) => pct(t.calls ? t.errors / t.calls : null) },
          { key: 'p99', label: 'p99', numeric: true, value: (t) => t.p99, render: (t) => ms(t.p99) },
        ]}
      />
    </section>
  );
}
