// How an audit row looks to clients: JSON items of the audit routes and the
// columns of their CSV export (same names, same order; ClickHouse formats the
// CSV cells with the same rules, libs/store export-audit-csv.ts).
import { CALL_ACTION_OF_SOURCE, DENIED_CALL_ACTION } from '@mcpg/events';
import type { AuditRow } from '@mcpg/store';

export const iso = (ms: number) => new Date(ms).toISOString();
const latencyMs = (us: number | null) => (us === null ? null : us / 1000);

const nullableString = { type: ['string', 'null'] } as const;

export const auditItemSchema = {
  type: 'object',
  required: ['seq', 'event_id', 'occurred_at', 'workspace', 'instance', 'action', 'actor', 'resource', 'decision', 'outcome', 'latency_ms', 'arguments', 'response', 'error', 'trace_id'],
  properties: {
    seq: { type: 'integer', description: "Position in the org's ledger" },
    event_id: { type: 'string' },
    occurred_at: { type: 'string', format: 'date-time' },
    workspace: { type: 'string' },
    instance: { type: 'string' },
    action: { type: 'string' },
    actor: { type: 'string' },
    resource: { type: 'string' },
    decision: { type: 'string' },
    outcome: { type: 'string' },
    latency_ms: { type: ['number', 'null'] },
    arguments: { ...nullableString, description: 'Masked JSON of the arguments' },
    response: { ...nullableString, description: 'Masked response' },
    error: { ...nullableString, description: 'Masked error' },
    trace_id: nullableString,
  },
} as const;

export function auditItem(r: AuditRow) {
  return {
    seq: r.seq,
    event_id: r.eventId,
    occurred_at: iso(r.occurredAtMs),
    workspace: r.workspace,
    instance: r.instance,
    action: r.action,
    actor: r.actor,
    resource: r.resource,
    decision: r.decision,
    outcome: r.outcome,
    latency_ms: latencyMs(r.latencyUs),
    arguments: r.arguments,
    response: r.response,
    error: r.error,
    trace_id: r.traceId,
  };
}

/** CSV columns of an audit export: the JSON item's fields, in order. */
export const AUDIT_CSV_HEADER = auditItemSchema.required;

export type ToolCallSource = keyof typeof CALL_ACTION_OF_SOURCE;
export const TOOL_CALL_SOURCES = Object.keys(CALL_ACTION_OF_SOURCE) as ToolCallSource[];

/**
 * The audit actions of a source's calls. A policy denial's row does not say
 * its source; the gateway's policy guards MCP calls, so denials are listed
 * (and filtered) as mcp.
 */
export const SOURCE_CALL_ACTIONS: Readonly<Record<ToolCallSource, readonly string[]>> = {
  mcp: [CALL_ACTION_OF_SOURCE.mcp, DENIED_CALL_ACTION],
  sandbox: [CALL_ACTION_OF_SOURCE.sandbox],
  skill: [CALL_ACTION_OF_SOURCE.skill],
};
const ACTION_SOURCE = new Map<string, ToolCallSource>(TOOL_CALL_SOURCES.flatMap((s) => SOURCE_CALL_ACTIONS[s].map((a) => [a, s] as const)));

export const toolCallItemSchema = {
  type: 'object',
  required: ['tool', 'server', 'status', 'latency_ms', 'error', 'created_at', 'source', 'id', 'seq', 'actor', 'workspace', 'instance', 'arguments', 'response', 'trace_id'],
  properties: {
    tool: { type: 'string', description: 'Namespaced tool, server__tool' },
    server: { type: 'string', description: 'Upstream MCP server' },
    status: { type: 'string', description: 'ok, error, denied, timeout, cancelled' },
    latency_ms: { type: ['number', 'null'] },
    error: nullableString,
    created_at: { type: 'string', format: 'date-time' },
    source: { type: 'string', enum: TOOL_CALL_SOURCES },
    id: { type: 'string', description: 'Event id' },
    seq: { type: 'integer' },
    actor: { type: 'string' },
    workspace: { type: 'string' },
    instance: { type: 'string' },
    arguments: nullableString,
    response: nullableString,
    trace_id: nullableString,
  },
} as const;

export function toolCallItem(r: AuditRow) {
  const cut = r.resource.indexOf('__');
  return {
    tool: r.resource,
    server: cut > 0 ? r.resource.slice(0, cut) : r.resource,
    status: r.outcome,
    latency_ms: latencyMs(r.latencyUs),
    error: r.error,
    created_at: iso(r.occurredAtMs),
    source: ACTION_SOURCE.get(r.action) ?? 'mcp',
    id: r.eventId,
    seq: r.seq,
    actor: r.actor,
    workspace: r.workspace,
    instance: r.instance,
    arguments: r.arguments,
    response: r.response,
    trace_id: r.traceId,
  };
}

/** CSV columns of a tool-call export: the JSON item's fields, in order. */
export const TOOL_CALL_CSV_HEADER = toolCallItemSchema.required;
