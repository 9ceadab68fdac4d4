// Tool metrics as Prometheus text: lifetime counters from the per-minute
// rollups, and latency quantiles over the trailing window of the requested
// granularity. HELP/TYPE are always written, so an org with no calls yet is a
// valid, empty exposition (not a 404): Prometheus keeps scraping it and
// `absent()` alerts behave.
import { ExpositionWriter, labelRenderer } from '@mcpg/exposition';
import { digestQuantiles, mergeDigests } from '@mcpg/rollup';
import type { ToolTotals, WindowDigest } from '@mcpg/store';

const toolLabels = labelRenderer(['org', 'workspace', 'plugin', 'tool']);
const tokenLabels = labelRenderer(['org', 'workspace', 'plugin', 'tool', 'direction']);
const latencyLabels = labelRenderer(['org', 'workspace', 'plugin', 'tool', 'quantile']);

export const QUANTILES = [0.5, 0.9, 0.95, 0.99] as const;

export const TOOL_CALLS = {
  name: 'mcpg_tool_calls_total',
  help: 'Tool calls handled by the gateways of the fleet.',
  type: 'counter',
} as const;

export const TOOL_ERRORS = {
  name: 'mcpg_tool_errors_total',
  help: 'Tool calls that failed: outcome error or timeout (policy denials and client cancellations are not errors).',
  type: 'counter',
} as const;

export function renderToolMetrics(org: string, totals: readonly ToolTotals[], window: readonly WindowDigest[]): string {
  const labels = totals.map((c) => toolLabels([org, c.workspace, c.plugin, c.tool]));
  const w = new ExpositionWriter().family(TOOL_CALLS);
  totals.forEach((c, i) => w.sample(labels[i]!, c.calls));
  w.family(TOOL_ERRORS);
  totals.forEach((c, i) => w.sample(labels[i]!, c.errors));
  w.family({ name: 'mcpg_tool_tokens_total', help: 'Tokens of tool arguments (direction="in") and results (direction="out").', type: 'counter' });
  for (const c of totals) {
    w.sample(tokenLabels([org, c.workspace, c.plugin, c.tool, 'in']), c.tokensIn);
    w.sample(tokenLabels([org, c.workspace, c.plugin, c.tool, 'out']), c.tokensOut);
  }
  w.family({
    name: 'mcpg_tool_latency_ms',
    help: 'Tool call latency quantiles in milliseconds over the trailing window of the granularity (t-digest).',
    type: 'gauge',
  });
  for (const d of window) {
    const merged = mergeDigests(d.digests);
    if (!merged.means.length) continue;
    const values = digestQuantiles(merged, QUANTILES);
    QUANTILES.forEach((q, i) => w.sample(latencyLabels([org, d.workspace, d.plugin, d.tool, String(q)]), round3(values[i]!)));
  }
  return w.text();
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
