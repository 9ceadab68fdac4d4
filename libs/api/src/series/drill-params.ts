// Query-string pieces the series, anomaly and invocation routes share: times
// as ISO 8601 or epoch milliseconds, label filters, and the range checks a
// schema cannot express, each failing with 400 naming the parameter.
import { CALL_OUTCOMES } from '@mcpg/store';
import { invalidParameter } from '../api-errors.ts';
import { labelParam, parseTime } from '../audit/query-params.ts';

const ISO_OR_MS = '^(\\d{1,15}|\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?)?)$';

export const drillTimeParam = (what: string) =>
  ({ type: 'string', pattern: ISO_OR_MS, maxLength: 40, description: `${what}: ISO 8601 (UTC unless an offset is given) or epoch milliseconds` }) as const;

export const drillFilterProperties = {
  workspace: labelParam('Only this workspace'),
  plugin: labelParam('Only this plugin (upstream MCP server)'),
  tool: labelParam('Only this tool (name without the plugin__ prefix)'),
  outcome: { type: 'string', enum: [...CALL_OUTCOMES], description: 'Only calls with this outcome' },
} as const;

export interface DrillFilterQuery {
  from?: string;
  to?: string;
  workspace?: string;
  plugin?: string;
  tool?: string;
  outcome?: string;
}

function timeOf(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) {
    const ms = Number(value);
    if (ms > 253_402_300_799_999) throw invalidParameter(name, 'must be between 1970 and 9999');
    return ms;
  }
  return parseTime(name, value);
}

/** [from, to) with the default span before `to` (default to: now); 400 naming `from` unless from < to. */
export function drillRange(q: { from?: string; to?: string }, nowMs: number, defaultSpanMs: number): { fromMs: number; toMs: number } {
  const given = timeOf('to', q.to);
  const toMs = given ?? nowMs;
  const fromMs = timeOf('from', q.from) ?? toMs - defaultSpanMs;
  // Only a defaulted from can fall before 1970: to is then too early.
  if (fromMs < 0) throw invalidParameter('to', `must be at least ${defaultSpanMs / 60_000} minutes after 1970-01-01 when from is not given`);
  if (fromMs >= toMs) throw invalidParameter('from', 'must be before to');
  return { fromMs, toMs };
}

/** The label and outcome filters that were given. */
export function drillFilter(q: DrillFilterQuery): { workspace?: string; plugin?: string; tool?: string; outcome?: string } {
  const out: { workspace?: string; plugin?: string; tool?: string; outcome?: string } = {};
  for (const k of ['workspace', 'plugin', 'tool', 'outcome'] as const) if (q[k] !== undefined) out[k] = q[k];
  return out;
}
