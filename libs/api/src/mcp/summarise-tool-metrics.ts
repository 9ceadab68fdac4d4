// The fleet exposition, boiled down for an agent: one row per tool with its
// calls, errors, error rate and latency quantiles, most errors first.
const SAMPLE = /^(mcpg_tool_(?:calls|errors)_total|mcpg_tool_latency_seconds)\{(.*)\} (\S+)$/;
const LABEL = /([a-z_]+)="((?:[^"\\]|\\.)*)"/g;

export interface ToolMetricsRow {
  workspace: string;
  plugin: string;
  tool: string;
  calls: number;
  errors: number;
  error_rate: number;
  latency_ms: Record<string, number>;
}

function unescape(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

export function summariseToolMetrics(exposition: string, opts: { workspace?: string; top: number }): { tools: ToolMetricsRow[]; tools_total: number } {
  const rows = new Map<string, ToolMetricsRow>();
  for (const line of exposition.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of m[2]!.matchAll(LABEL)) labels[k!] = unescape(v!);
    const { workspace = '', plugin = '', tool = '' } = labels;
    if (opts.workspace !== undefined && workspace !== opts.workspace) continue;
    const key = JSON.stringify([workspace, plugin, tool]);
    let row = rows.get(key);
    if (!row) {
      row = { workspace, plugin, tool, calls: 0, errors: 0, error_rate: 0, latency_ms: {} };
      rows.set(key, row);
    }
    const value = Number(m[3]);
    if (m[1] === 'mcpg_tool_calls_total') row.calls = value;
    else if (m[1] === 'mcpg_tool_errors_total') row.errors = value;
    else if (labels.quantile !== undefined) row.latency_ms[`p${Math.round(Number(labels.quantile) * 100)}`] = Math.round(value * 1_000_000) / 1000;
  }
  const all = [...rows.values()];
  for (const r of all) r.error_rate = r.calls > 0 ? Math.round((r.errors / r.calls) * 10_000) / 10_000 : 0;
  all.sort((a, b) => b.errors - a.errors || b.calls - a.calls || a.tool.localeCompare(b.tool));
  return { tools: all.slice(0, opts.top), tools_total: all.length };
}
