// The charts of one tool: calls and errors, error rate, p50 and p99 latency,
// with its anomalous buckets shaded. A click on a bucket opens its samples.
import { bucketIndex, columns, type Anomaly, type Series, type SeriesGroup } from '../data/series.ts';
import { int, ms, pct } from '../lib/format.ts';
import { TimeChart } from './time-chart.tsx';

export function ToolCharts({ series, group, anomalies, onBucket }: { series: Series; group: SeriesGroup; anomalies: readonly Anomaly[]; onBucket: (startMs: number) => void }) {
  const marks = anomalies.map((a) => bucketIndex(series, a.bucket_start)).filter((i) => i >= 0);
  const pick = (i: number) => onBucket(series.t[i]! * 1000);
  const xRange: [number, number] = [series.from / 1000, series.to / 1000];
  const calls = group.metrics.calls ?? [];
  const errors = group.metrics.errors ?? [];
  const errorRate = calls.map((c, i) => (c ? (errors[i] ?? 0) / c : null));
  return (
    <div>
      <h2>
        {group.label} <span class="note">({series.step} buckets; click a bucket for its samples)</span>
      </h2>
      <div class="charts">
        <TimeChart title="Calls and errors" xRange={xRange} marks={marks} onPick={pick} data={columns(series, group, ['calls', 'errors'])} series={[
          { label: 'Calls', format: (v) => (v === null ? '–' : `${int(v)} calls`), color: '--series-1' },
          { label: 'Errors', format: (v) => (v === null ? '–' : `${int(v)} errors`), color: '--series-5' },
        ]} />
        <TimeChart title="Error rate" xRange={xRange} marks={marks} onPick={pick} data={[series.t as number[], errorRate]} series={[{ label: 'Error rate', format: (v) => pct(v, 1), color: '--series-5' }]} />
        <TimeChart title="Latency" xRange={xRange} marks={marks} onPick={pick} data={columns(series, group, ['p50', 'p99'])} series={[
          { label: 'p50', format: ms, color: '--series-3' },
          { label: 'p99', format: ms, color: '--series-2' },
        ]} />
      </div>
    </div>
  );
}
