// The calls behind one bucket of one tool: failed first or slowest first.
// Selecting one opens its trace (the event id goes in the URL).
import { fetchSamples } from '../data/invocations.ts';
import { ms, time } from '../lib/format.ts';
import { location, setParams } from '../lib/route.ts';
import { org } from '../lib/session.ts';
import { useResource } from '../lib/use-resource.ts';
import { DataTable } from '../components/data-table.tsx';
import { Empty, ErrorBanner } from '../components/status.tsx';

export function SamplesPanel({ label, fromMs, toMs, workspace }: { label: string; fromMs: number; toMs: number; workspace: string }) {
  const [plugin, tool] = label.split('/');
  const order = location.value.params.get('order') === 'slowest' ? 'slowest' : 'failed';
  const res = useResource(
    (signal) => fetchSamples(org.value, { from: fromMs, to: toMs, plugin, tool, workspace: workspace || undefined, sort: 'slowest' }, order === 'failed' ? ['error', 'timeout'] : undefined, signal),
    [org.value, label, fromMs, toMs, order, workspace],
  );
  return (
    <div class="card" role="region" aria-label="Samples of the bucket">
      <h2>
        Samples of {label}, {time(fromMs)} – {time(toMs)}
      </h2>
      <div class="segmented" role="group" aria-label="Sample order">
        <button type="button" aria-pressed={order === 'failed'} onClick={() => setParams({ order: null })}>
          Failed first
        </button>
        <button type="button" aria-pressed={order === 'slowest'} onClick={() => setParams({ order: 'slowest' })}>
          Slowest first
        </button>
      </div>
      <ErrorBanner error={res.error} retry={res.reload} />
      {res.data && res.data.items.length === 0 ? (
        <Empty>{order === 'failed' ? 'No failed calls in this bucket: try slowest first.' : 'No calls in this bucket.'}</Empty>
      ) : (
        <DataTable
          caption="Calls of the bucket; select one for its trace"
          rows={res.data?.items ?? []}
          rowKey={(c) => c.event_id}
          selected={location.value.params.get('sample') ?? undefined}
          initialSort={{ key: 'duration', desc: true }}
          onSelect={(c) => setParams({ sample: c.event_id }, true)}
          columns={[
            { key: 'at', label: 'Started', value: (c) => c.started_at, render: (c) => time(c.started_at, true) },
            { key: 'outcome', label: 'Outcome', value: (c) => c.outcome, render: (c) => <span class={`pill ${c.outcome}`}>{c.outcome}</span> },
            { key: 'error', label: 'Error code', value: (c) => c.error_code ?? '' },
            { key: 'duration', label: 'Duration', numeric: true, value: (c) => c.duration_ms, render: (c) => ms(c.duration_ms) },
            { key: 'actor', label: 'Actor', value: (c) => c.actor },
            { key: 'instance', label: 'Instance', value: (c) => c.instance },
          ]}
        />
      )}
    </div>
  );
}
