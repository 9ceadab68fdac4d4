// One tools/call through the gateway: resolve the tool, decide by policy,
// refuse a tool no upstream offers, check the size of the arguments, dispatch
// to the upstream with the trace context, apply obligations, and record the
// call: every call, whatever its end, yields one ToolCallEvent and one
// AuditEvent. The events are built and
// queued after the answer is on its way (setImmediate), so masking, token
// counting and Avro encoding add nothing to the call's latency, and nothing
// here ever waits for Kafka.
import { performance } from 'node:perf_hooks';
import type { Masker } from '@mcpg/masking';
import type { Logger } from '@mcpg/telemetry';
import { CallToolResultSchema, type CallToolRequest, type CallToolResult, type Progress } from '@modelcontextprotocol/sdk/types.js';
import type { CallOutcome } from '@mcpg/events';
import { GatewayError } from '../errors.ts';
import type { CallRecord } from '../events/call-record.ts';
import type { EventFactory } from '../events/event-factory.ts';
import type { PayloadCapture } from '../capture/payload-capture.ts';
import type { EventIds } from '../events/event-ids.ts';
import { resultText } from '../events/token-counter.ts';
import type { Identity } from '../identity.ts';
import type { CallStatus, GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { OutboxRecord } from '../outbox/outbox-record.ts';
import type { Policy } from '../policy/policy.ts';
import { runWithTrace } from '../trace/outbound-trace.ts';
import { endCallSpan, startCallSpan } from '../trace/call-span.ts';
import { formatTraceparent, type TraceContext } from '../trace/trace-context.ts';
import type { UpstreamPool } from '../upstream/upstream-pool.ts';
import { toRpcError } from './mcp-errors.ts';
import { applyObligations } from './obligations.ts';
import { shownName, UNKNOWN_LABEL } from './tool-names.ts';

export interface CallContext {
  readonly identity: Identity;
  readonly session: string;
  readonly requestId: string | number;
  /** Headers of the HTTP request that carried the call (none on stdio). */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
  readonly signal?: AbortSignal;
  /** Set when the client asked for progress (`_meta.progressToken`): the upstream's progress goes here. */
  readonly onProgress?: (progress: Progress) => void;
}

export interface ToolCallDeps {
  readonly pool: UpstreamPool;
  readonly policy: Policy;
  readonly ids: EventIds;
  readonly events: EventFactory;
  readonly publish: (records: readonly OutboxRecord[]) => void;
  readonly metrics: GatewayMetrics;
  readonly masker: Masker;
  readonly maxArgumentBytes: number;
  readonly log: Logger;
  /** Payload capture; absent: nothing is captured. */
  readonly capture?: PayloadCapture;
}

type Params = CallToolRequest['params'];

export class ToolCallHandler {
  constructor(private readonly d: ToolCallDeps) {}

  async call(params: Params, ctx: CallContext): Promise<CallToolResult> {
    const startedAt = Date.now();
    const t0 = performance.now();
    const meta = params._meta as Record<string, unknown> | undefined;
    const { span, trace } = startCallSpan(params.name, ctx.requestId, ctx.headers ? 'http' : 'stdio', [header(ctx.headers, 'traceparent'), meta?.traceparent], header(ctx.headers, 'tracestate') ?? meta?.tracestate);
    const base = { callId: this.d.ids.next(ctx.session, ctx.requestId), identity: ctx.identity, name: params.name, startedAt, trace, arguments: params.arguments };
    const finish = (rec: Omit<CallRecord, keyof typeof base | 'durationUs' | 'argumentBytes' | 'argumentsTooLarge'> & Partial<CallRecord>, status: CallStatus) => {
      const seconds = (performance.now() - t0) / 1000;
      this.d.metrics.call(rec.server, rec.tool, status, seconds);
      endCallSpan(span, rec.server, rec.errorCode ?? null);
      const record: CallRecord = { argumentBytes: 0, argumentsTooLarge: false, ...base, ...rec, durationUs: Math.round(seconds * 1e6) };
      setImmediate(() => this.#emit(record));
    };

    const resolved = this.d.pool.resolveTool(params.name);
    // A name no upstream offers is still a call (counted, audited, judged by
    // policy), under bounded labels: the configured server it names or
    // __unknown__, and __unknown__ as the tool.
    const server = resolved?.upstream.name ?? this.d.pool.knowsServer(params.name)?.name ?? UNKNOWN_LABEL;
    const tool = resolved?.tool ?? UNKNOWN_LABEL;
    const decision = this.d.policy({ server, tool, actor: ctx.identity.actor, workspace: ctx.identity.workspace });
    if (decision.kind === 'deny') {
      const message = `${resolved ? params.name : shownName(params.name)} denied by policy: ${decision.reason}`;
      finish({ server, tool, outcome: 'denied', errorCode: 'POLICY_DENIED', errorMessage: message, result: null, decision }, 'denied');
      throw toRpcError(new GatewayError('POLICY_DENIED', message), { rule: decision.ruleId });
    }
    if (!resolved) {
      const known = this.d.pool.knowsServer(params.name);
      const error =
        known && known.status !== 'up'
          ? new GatewayError('UPSTREAM_UNAVAILABLE', `upstream ${known.name} is not connected (${known.status}); ${shownName(params.name)} cannot be called now`)
          : new GatewayError('UNKNOWN_TOOL', `unknown tool ${shownName(params.name)}: no upstream offers it (tools are listed as server__tool)`);
      finish({ server, tool, outcome: 'error', errorCode: error.code, errorMessage: error.message, result: null, decision }, 'rejected');
      throw toRpcError(error);
    }
    const { upstream } = resolved;
    const argumentBytes = params.arguments === undefined ? 0 : Buffer.byteLength(JSON.stringify(params.arguments), 'utf8');
    if (argumentBytes > this.d.maxArgumentBytes) {
      const message = `arguments of ${params.name} are ${argumentBytes} bytes; the gateway accepts at most ${this.d.maxArgumentBytes} (limits.maxArgumentBytes)`;
      finish({ server, tool, outcome: 'error', errorCode: 'ARGUMENTS_TOO_LARGE', errorMessage: message, result: null, decision, argumentBytes, argumentsTooLarge: true }, 'rejected');
      throw toRpcError(new GatewayError('ARGUMENTS_TOO_LARGE', message), { bytes: argumentBytes, limit: this.d.maxArgumentBytes });
    }

    let result: CallToolResult;
    try {
      result = await runWithTrace(trace, () =>
        upstream.request('tools/call', { ...params, name: tool, _meta: outboundMeta(meta, trace) }, CallToolResultSchema, {
          signal: ctx.signal,
          ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
        }),
      );
    } catch (e) {
      const error = e instanceof GatewayError ? e : new GatewayError('UPSTREAM_ERROR', String(e), { cause: e });
      const outcome: CallOutcome = ctx.signal?.aborted ? 'cancelled' : error.code === 'UPSTREAM_TIMEOUT' ? 'timeout' : 'error';
      finish({ server, tool, outcome, errorCode: error.code, errorMessage: error.message, result: null, decision, argumentBytes }, outcome);
      throw toRpcError(error);
    }
    const failed = result.isError === true;
    finish(
      { server, tool, outcome: failed ? 'error' : 'ok', errorCode: failed ? 'TOOL_ERROR' : null, errorMessage: failed ? resultText(result).slice(0, 4096) : null, result, decision, argumentBytes },
      failed ? 'error' : 'ok',
    );
    return decision.obligations ? applyObligations(result, decision.obligations, this.d.masker) : result;
  }

  #capture(record: CallRecord) {
    try {
      return this.d.capture?.capture(record);
    } catch (error) {
      // The call's events still go out; the payload is not captured. The error names a code, never payload text.
      this.d.log.error({ err: error instanceof Error ? error.name : 'error', code: (error as { code?: string }).code, tool: record.name }, 'could not capture the payload of a call');
      return undefined;
    }
  }

  #emit(record: CallRecord): void {
    try {
      const payloads = this.#capture(record);
      const events = this.d.events.forCall(record, payloads?.captured);
      this.d.publish(payloads && payloads.records.length > 0 ? [...events, ...payloads.records] : events);
    } catch (error) {
      // An event that cannot be encoded is a bug, not a reason to fail the call that already answered.
      this.d.log.error({ err: String(error), tool: record.name }, 'could not build the events of a call');
    }
  }
}

function header(headers: CallContext['headers'], name: string): string | undefined {
  const v = headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The client's `_meta`, with the gateway's span as the upstream's parent. The
 * client's progress token is not the upstream's to use: the SDK client puts
 * its own in and the gateway maps progress back (see CallContext.onProgress).
 */
function outboundMeta(meta: Record<string, unknown> | undefined, trace: TraceContext): Record<string, unknown> {
  const { progressToken: _progressToken, ...rest } = meta ?? {};
  return { ...rest, traceparent: formatTraceparent(trace), ...(trace.tracestate ? { tracestate: trace.tracestate } : {}) };
}
