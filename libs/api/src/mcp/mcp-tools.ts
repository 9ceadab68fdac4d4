// The MCP tools and the HTTP routes behind them. A tool is a route seen by an
// agent: its input schema is the route's own params + querystring schema, and
// a call is an in-process request to the route carrying the caller's API
// key, so validation, roles, org scoping and results are exactly the HTTP API's.
import type { RegisteredRoute } from '../route-registry.ts';
import { summariseToolMetrics } from './summarise-tool-metrics.ts';

export interface McpToolSpec {
  readonly name: string;
  readonly description: string;
  /** The GET route the tool calls. */
  readonly url: string;
  /** Inputs the tool handles itself (not sent to the route). */
  readonly localInputs?: Record<string, unknown>;
  /** Turns a successful response body into what the agent reads; default: the JSON as is. */
  readonly render?: (body: string, args: Record<string, unknown>) => unknown;
}

export const MCP_TOOLS: readonly McpToolSpec[] = [
  {
    name: 'search_audit',
    description:
      'Search the audit log of an org, newest first. Filters: action_prefix (e.g. "tool."), actor, instance, workspace, outcome (e.g. error), from/to (ISO 8601), q (full text: all words must match, "quoted phrases", -excluded). Page with the returned next_cursor.',
    url: '/v1/orgs/:org/audit',
  },
  {
    name: 'tool_metrics',
    description:
      'Per-tool call counts, error counts, error rate and latency quantiles (ms) of an org\'s fleet, most errors first. Counts are totals since the data began; latency quantiles cover the granularity window (the trailing minute, the last closed UTC hour (the default), or the current and previous UTC day). Filter with workspace, limit with top. For failures within a time range, use search_audit with outcome=error and from/to.',
    url: '/v1/orgs/:org/metrics',
    localInputs: {
      workspace: { type: 'string', maxLength: 256, description: 'Only tools of this workspace' },
      top: { type: 'integer', minimum: 1, maximum: 500, default: 20, description: 'At most this many tools' },
    },
    render: (body, args) => summariseToolMetrics(body, { workspace: args.workspace as string | undefined, top: (args.top as number | undefined) ?? 20 }),
  },
  {
    name: 'token_usage',
    description: 'Input, output and total tokens of an org per group (server, tool, workspace or actor) and time bucket (hour or day), with totals and the heaviest groups.',
    url: '/v1/orgs/:org/tokens',
  },
  {
    name: 'tool_activity',
    description:
      'Time series of an org\'s tool calls: calls, errors, error_rate, p50/p90/p95/p99 latency (ms), tokens_in/out, lag_p50/p99 (ms) per bucket (step auto, 1m, 5m, 1h or 1d) and group (group_by none, workspace, plugin or tool; top N busiest). Columnar: t holds bucket starts in epoch seconds, each metric an array parallel to it (null where a bucket had no calls).',
    url: '/v1/orgs/:org/series',
  },
  {
    name: 'find_anomalies',
    description:
      "Buckets where a tool's error rate or p99 latency rose well above its own trailing baseline (median and MAD of the previous buckets), highest score first, with the bucket's bounds: pass them to list_invocations to see the calls behind one.",
    url: '/v1/orgs/:org/anomalies',
  },
  {
    name: 'list_invocations',
    description: 'The calls of an org in a time range (from/to), filtered by workspace, plugin, tool, outcome and min_duration_ms, newest or slowest first. Page with next_cursor. Open one with call_trace.',
    url: '/v1/orgs/:org/invocations',
  },
  {
    name: 'call_trace',
    description: 'One call by event_id: who called through which gateway, the policy decision and rule, the upstream dispatch with duration and outcome, its audit rows and ledger position (with an inclusion proof link), and the lag split gateway / Kafka / pipeline.',
    url: '/v1/orgs/:org/invocations/:event_id',
  },
  {
    name: 'verify_ledger',
    description: "Verify the org's signed audit ledger, or a range of it (from_seq..to_seq, ledger positions; default: every signed row): the rows are re-hashed against the covering signed checkpoint. Says whether they are intact and, if not, where it breaks.",
    url: '/v1/orgs/:org/audit/verify',
  },
];

export interface ToolInputSchema {
  type: 'object';
  properties: Record<string, unknown>;
  required: string[];
  additionalProperties: false;
}

interface ObjectSchema {
  properties?: Record<string, unknown>;
  required?: readonly string[];
}

/** Route parameters an agent does not set: tools always answer JSON. */
const HIDDEN_INPUTS = new Set(['format', 'latency_ms']);

/** The tool's input schema: the route's path and query parameters, plus the tool's own inputs. */
export function toolInputSchema(spec: McpToolSpec, route: RegisteredRoute | undefined): ToolInputSchema {
  const params = (route?.schema?.params ?? { properties: { org: { type: 'string' } }, required: ['org'] }) as ObjectSchema;
  const query = (route?.schema?.querystring ?? {}) as ObjectSchema;
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries({ ...params.properties, ...query.properties, ...spec.localInputs }).filter(([name]) => !HIDDEN_INPUTS.has(name))),
    required: [...(params.required ?? []), ...(query.required ?? [])],
    additionalProperties: false,
  };
}

/** The request URL for a call: path parameters substituted, the rest as the query string. */
export function toolRequestUrl(spec: McpToolSpec, args: Record<string, unknown>): string {
  const used = new Set<string>(Object.keys(spec.localInputs ?? {}));
  const path = spec.url.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
    used.add(name);
    return encodeURIComponent(String(args[name] ?? ''));
  });
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(args)) {
    if (used.has(name) || value === undefined || value === null) continue;
    for (const v of [value].flat()) query.append(name, String(v));
  }
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}
