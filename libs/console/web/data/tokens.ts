// Token usage from GET /v1/orgs/{org}/tokens, reshaped once into uPlot's
// columnar form (bucket times, input and output per bucket) and a per-group table.
import type uPlot from 'uplot';
import { api } from '../lib/session.ts';

export interface TokenFigures {
  readonly input: number;
  readonly output: number;
  readonly total: number;
}
export interface TokenAnswer {
  readonly from: string;
  readonly to: string;
  readonly group_by: string;
  readonly interval: string;
  readonly totals: TokenFigures;
  readonly top: readonly (TokenFigures & { group: string })[];
  readonly series: readonly (TokenFigures & { bucket: string; group: string })[];
}

export const TOKEN_GROUPS = ['server', 'tool', 'workspace', 'actor'] as const;

export function fetchTokens(org: string, q: { from: number; to: number; groupBy: string; interval: string }, signal: AbortSignal): Promise<TokenAnswer> {
  return api.get<TokenAnswer>(`/v1/orgs/${encodeURIComponent(org)}/tokens`, { from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString(), group_by: q.groupBy, interval: q.interval, top: 20 }, signal);
}

/** Input and output per bucket, summed over the groups: [t (s), input, output]. */
export function tokenColumns(a: TokenAnswer): uPlot.AlignedData {
  const byBucket = new Map<number, [number, number]>();
  for (const s of a.series) {
    const t = Date.parse(s.bucket) / 1000;
    const cur = byBucket.get(t) ?? [0, 0];
    cur[0] += s.input;
    cur[1] += s.output;
    byBucket.set(t, cur);
  }
  const ts = [...byBucket.keys()].sort((x, y) => x - y);
  return [ts, ts.map((t) => byBucket.get(t)![0]), ts.map((t) => byBucket.get(t)![1])];
}

const cell = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`;

/** The table as CSV (RFC 4180), for the download button. */
export function tokensCsv(a: TokenAnswer): string {
  const rows = [['group_by', 'group', 'input_tokens', 'output_tokens', 'total_tokens', 'from', 'to'], ...a.top.map((t) => [a.group_by, t.group, t.input, t.output, t.total, a.from, a.to])];
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
