// Audit rows from GET /v1/orgs/{org}/audit, and the filters of the history
// view as URL parameters ↔ API parameters.
import type { Params } from '../lib/api.ts';
import { api } from '../lib/session.ts';

export interface AuditItem {
  readonly seq: number;
  readonly event_id: string;
  readonly occurred_at: string;
  readonly workspace: string;
  readonly instance: string;
  readonly action: string;
  readonly actor: string;
  readonly resource: string;
  readonly decision: string;
  readonly outcome: string;
  readonly latency_ms: number | null;
  readonly arguments: string | null;
  readonly response: string | null;
  readonly error: string | null;
  readonly trace_id: string | null;
}

export interface AuditPage {
  readonly items: readonly AuditItem[];
  readonly next_cursor: string | null;
}

/** Sources of a tool call and the audit action that records each. */
export const SOURCES = { mcp: 'tool.call', sandbox: 'sandbox.exec', skill: 'skill.invoke' } as const;
export const OUTCOMES = ['ok', 'error', 'denied', 'timeout', 'cancelled'] as const;

export interface HistoryFilters {
  readonly q: string;
  readonly status: string;
  readonly source: string;
  readonly actor: string;
  readonly instance: string;
  /** yyyy-mm-dd, in the chosen zone (converted to an instant before sending). */
  readonly from: string;
  readonly to: string;
}

export const FILTER_NAMES = ['q', 'status', 'source', 'actor', 'instance', 'from', 'to'] as const;

/** A date input's day as an instant: midnight in UTC or in the browser's zone. `end` takes the next midnight. */
export function dayStart(day: string, utc: boolean, end = false): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0)];
  return new Date(utc ? Date.UTC(y, mo, d) : new Date(y, mo, d).getTime()).toISOString();
}

export function auditParams(f: HistoryFilters, utc: boolean): Params {
  return {
    q: f.q.trim() || undefined,
    outcome: f.status || undefined,
    action_prefix: f.source ? SOURCES[f.source as keyof typeof SOURCES] : undefined,
    actor: f.actor.trim() || undefined,
    instance: f.instance.trim() || undefined,
    from: f.from ? dayStart(f.from, utc) : undefined,
    to: f.to ? dayStart(f.to, utc, true) : undefined,
  };
}

export const auditPath = (org: string) => `/v1/orgs/${encodeURIComponent(org)}/audit`;

export function fetchAuditPage(org: string, params: Params, cursor: string | null, signal: AbortSignal): Promise<AuditPage> {
  return api.get<AuditPage>(auditPath(org), { ...params, limit: 50, cursor }, signal);
}

/** The whole result of the filter as CSV, streamed by the API (needs the export role). */
export function fetchAuditCsv(org: string, params: Params): Promise<Blob> {
  return api.blob(auditPath(org), { ...params, format: 'csv' }, 'text/csv');
}
