// Tool call counters as Prometheus text. HELP/TYPE are always written, so an
// org with no calls yet is a valid, empty exposition (not a 404): Prometheus
// keeps scraping it and `absent()` alerts behave.
import { ExpositionWriter, labelRenderer } from '@mcpg/exposition';
import type { ToolCallCounter } from '@mcpg/store';

const toolLabels = labelRenderer(['org', 'workspace', 'plugin', 'tool']);

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

export function renderToolCounters(org: string, counters: readonly ToolCallCounter[]): string {
  const labels = counters.map((c) => toolLabels([org, c.workspace, c.plugin, c.tool]));
  const w = new ExpositionWriter().family(TOOL_CALLS);
  counters.forEach((c, i) => w.sample(labels[i]!, c.calls));
  w.family(TOOL_ERRORS);
  counters.forEach((c, i) => w.sample(labels[i]!, c.errors));
  return w.text();
}
