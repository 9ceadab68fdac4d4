// Tool metrics as Prometheus text: lifetime counters from the day totals, and
// latency as a summary — quantiles over the window of the requested
// granularity (merged t-digests; see org-metrics.ts for the windows), `_sum` and `_count` lifetime, so
// rate(_sum) / rate(_count) is the mean latency. HELP/TYPE are always
// written, so an org with no calls yet is a
// valid, empty exposition (not a 404): Prometheus keeps scraping it and
// `absent()` alerts behave.
import { LabelSetCache, renderLabel, type EncodedLabels, type ExpositionWriter } from '@mcpg/exposition';
import { OTHER_LABEL } from '@mcpg/rollup';
import { WINDOW_QUANTILES, type ToolTotals, type WindowQuantiles } from '@mcpg/store';

// Label sets are rendered and encoded once and reused across scrapes (bounded
// cache); each family is then one loop writing bytes into one buffer. The
// extra label (direction, quantile) is written per family pass, so a family's
// lines come grouped by it: the format allows any order within a family.
const toolLabels = new LabelSetCache(['org', 'workspace', 'plugin', 'tool']);
const DIRECTION_IN = renderLabel('direction', 'in');
const DIRECTION_OUT = renderLabel('direction', 'out');

const QUANTILE_LABELS = WINDOW_QUANTILES.map((q) => renderLabel('quantile', String(q)));

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

export const TOOL_LATENCY = {
  name: 'mcpg_tool_latency_seconds',
  help: 'Tool call latency in seconds: quantiles over the window of the granularity (t-digest: the trailing minute, the last closed UTC hour, or the current and previous UTC day), sum and count since the beginning.',
  type: 'summary',
} as const;

/**
 * The latency quantiles as the older millisecond gauge, for dashboards
 * built on that name. Opt-in (`latency_ms=true`): promtool flags both the
 * abbreviated unit and a quantile label outside a summary.
 */
export const TOOL_LATENCY_MS = {
  name: 'mcpg_tool_latency_ms',
  help: 'Tool call latency quantiles in milliseconds over the window of the granularity (t-digest); the same values as mcpg_tool_latency_seconds.',
  type: 'gauge',
} as const;

export const FOLDED_CALLS = {
  name: 'mcpg_tool_label_sets_folded_calls_total',
  help: 'Calls counted under workspace/plugin/tool="__other__" because their org was over its cap of distinct label sets.',
  type: 'counter',
} as const;

export interface RenderOptions {
  /** Also write the mcpg_tool_latency_ms gauge family. */
  readonly latencyMs?: boolean;
}

/** Writes the org's tool families into `w` (the route adds pipeline health after them, into the same buffer). */
export function writeToolMetrics(
  w: ExpositionWriter,
  org: string,
  totals: readonly ToolTotals[],
  window: readonly WindowQuantiles[],
  options: RenderOptions = {},
): void {
  const key = [org, '', '', ''];
  const labelsOf = (r: { workspace: string; plugin: string; tool: string }): EncodedLabels => {
    key[1] = r.workspace;
    key[2] = r.plugin;
    key[3] = r.tool;
    return toolLabels.get(key);
  };
  const labels = totals.map(labelsOf);
  w.family(TOOL_CALLS).samples(labels, (i) => totals[i]!.calls);
  w.family(TOOL_ERRORS).samples(labels, (i) => totals[i]!.errors);
  w.family({ name: 'mcpg_tool_tokens_total', help: 'Tokens of tool arguments (direction="in") and results (direction="out").', type: 'counter' })
    .samples(labels, (i) => totals[i]!.tokensIn, DIRECTION_IN)
    .samples(labels, (i) => totals[i]!.tokensOut, DIRECTION_OUT);
  // Merged by the engine (queryWindowQuantiles): only label sets with calls in the window.
  const withData = window.map(labelsOf);
  const quantilesMs = window.map((d) => d.quantilesMs);
  w.family(TOOL_LATENCY);
  QUANTILE_LABELS.forEach((extra, q) => w.samples(withData, (i) => round6(quantilesMs[i]![q]! / 1000), extra));
  w.samples(labels, (i) => totals[i]!.durationUsSum / 1_000_000, undefined, '_sum');
  w.samples(labels, (i) => totals[i]!.calls, undefined, '_count');
  // The __other__ rows are what the cardinality guard folded: their calls are
  // the count, exactly once like every counter (no separate tally to drift).
  let folded = 0;
  for (const t of totals) if (t.workspace === OTHER_LABEL && t.plugin === OTHER_LABEL && t.tool === OTHER_LABEL) folded += t.calls;
  // An org with no calls has no samples at all (HELP/TYPE only), this one included.
  w.family(FOLDED_CALLS);
  if (totals.length > 0) w.sample(orgLabel(org), folded);
  if (options.latencyMs) {
    w.family(TOOL_LATENCY_MS);
    QUANTILE_LABELS.forEach((extra, q) => w.samples(withData, (i) => round3(quantilesMs[i]![q]!), extra));
  }
}

const orgLabels = new LabelSetCache(['org']);
function orgLabel(org: string): EncodedLabels {
  return orgLabels.get([org]);
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

// Microsecond resolution: the digests hold milliseconds to three decimals.
function round6(v: number): number {
  return Math.round(v * 1_000_000) / 1_000_000;
}
