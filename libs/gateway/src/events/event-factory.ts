// Builds the Kafka records of a call (a ToolCallEvent and an AuditEvent) and
// of upstream lifecycle changes. Masking happens here, before anything leaves
// the process: error messages, arguments and responses go through the masker
// compiled once at start-up; audit payloads are then cut to their byte cap.
import { auditCodec, callAction, toolCallCodec, type AuditEvent, type AuditOutcome, type ToolCallEvent } from '@mcpg/events';
import type { Masker } from '@mcpg/masking';
import type { OutboxRecord } from '../outbox/outbox-record.ts';
import { traceHeadersOf, type TraceContext } from '../trace/trace-context.ts';
import { boundedText } from './bounded-text.ts';
import type { CallRecord } from './call-record.ts';
import { auditIdOf } from './event-ids.ts';
import { argumentTokens, resultText, type TokenCounter } from './token-counter.ts';

/**
 * What the call and audit events carry instead of a field that was captured:
 * a captured payload exists only sealed, so its plaintext (masked or not) is
 * kept out of every other event, the ledger and the tables.
 */
export const SEALED_MARKER = '[SEALED:payload captured]';

export interface SealedFields {
  readonly arguments: boolean;
  readonly response: boolean;
}
const NOT_SEALED: SealedFields = { arguments: false, response: false };

export interface EventFactoryOptions {
  readonly instance: string;
  readonly masker: Masker;
  readonly countTokens: TokenCounter;
  readonly auditPayloadBytes: number;
  readonly topics: { readonly calls: string; readonly audit: string };
  readonly now?: () => number;
}

export interface LifecycleChange {
  readonly id: string;
  readonly org: string;
  readonly workspace: string;
  /** plugin.started, plugin.crashed, plugin.stopped, auth.denied */
  readonly action: string;
  /** The upstream, or what was refused (e.g. the MCP endpoint). */
  readonly server: string;
  readonly outcome: AuditOutcome;
  readonly detail: string | null;
  /** Default 'none' (lifecycle changes decide nothing). */
  readonly decision?: 'none' | 'deny';
  /** Default: the gateway itself. */
  readonly actor?: string;
}

export class EventFactory {
  readonly #o: EventFactoryOptions;
  readonly #now: () => number;

  constructor(options: EventFactoryOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The call's ToolCallEvent and AuditEvent, in that order: every call has
   * both, a denied one and one to a tool no upstream offers included.
   */
  forCall(c: CallRecord, sealed: SealedFields = NOT_SEALED): OutboxRecord[] {
    const { masker } = this.#o;
    // A tool's own error (isError) is its response text: sealed with the response.
    const errorMessage = c.errorMessage === null ? null : sealed.response && c.errorCode === 'TOOL_ERROR' ? SEALED_MARKER : masker.maskText(c.errorMessage);
    const text = c.result === undefined || c.result === null ? '' : resultText(c.result);
    const headers = traceHeadersOf(c.trace);
    const key = c.identity.org;
    const call: ToolCallEvent = {
      event_id: c.callId,
      org: c.identity.org,
      workspace: c.identity.workspace,
      instance: this.#o.instance,
      plugin: c.server,
      tool: c.tool,
      actor: c.identity.actor,
      source: 'mcp',
      started_at: c.startedAt,
      emitted_at: this.#now(),
      duration_us: c.durationUs,
      outcome: c.outcome,
      error_code: c.errorCode,
      error_message: errorMessage,
      tokens_in: c.argumentsTooLarge ? 0 : argumentTokens(this.#o.countTokens, c.arguments),
      tokens_out: this.#o.countTokens(text),
      trace_id: c.trace.traceId,
      span_id: c.trace.spanId,
      policy_decision: c.decision.kind,
      policy_rule_id: c.decision.ruleId,
    };

    const audit: AuditEvent = {
      event_id: auditIdOf(c.callId),
      org: c.identity.org,
      workspace: c.identity.workspace,
      instance: this.#o.instance,
      occurred_at: c.startedAt,
      action: callAction(call.source, c.outcome),
      actor: c.identity.actor,
      // The name as the client sent it: bounded, since for an unknown tool it is any text of any length.
      resource: this.#bounded(c.name),
      decision: c.decision.kind,
      outcome: c.outcome,
      latency_us: c.durationUs,
      arguments: sealed.arguments ? SEALED_MARKER : this.#arguments(c),
      response: text === '' ? null : sealed.response ? SEALED_MARKER : this.#bounded(masker.maskText(text)),
      error: errorMessage === null ? null : this.#bounded(errorMessage),
      trace_id: c.trace.traceId,
      call_event_id: c.callId,
    };
    return [
      { topic: this.#o.topics.calls, key, value: toolCallCodec.encode(call), headers },
      { topic: this.#o.topics.audit, key, value: auditCodec.encode(audit), headers },
    ];
  }

  lifecycle(change: LifecycleChange, trace: TraceContext | null = null): OutboxRecord {
    const audit: AuditEvent = {
      event_id: change.id,
      org: change.org,
      workspace: change.workspace,
      instance: this.#o.instance,
      occurred_at: this.#now(),
      action: change.action,
      actor: change.actor ?? `gateway:${this.#o.instance}`,
      resource: change.server,
      decision: change.decision ?? 'none',
      outcome: change.outcome,
      latency_us: null,
      arguments: null,
      response: null,
      error: change.detail === null ? null : this.#bounded(this.#o.masker.maskText(change.detail)),
      trace_id: trace?.traceId ?? null,
      call_event_id: null,
    };
    return { topic: this.#o.topics.audit, key: change.org, value: auditCodec.encode(audit), headers: trace ? traceHeadersOf(trace) : {} };
  }

  #arguments(c: CallRecord): string | null {
    if (c.argumentsTooLarge) return `[TOO_LARGE:${c.argumentBytes} bytes]`;
    if (c.arguments === undefined) return null;
    return this.#bounded(JSON.stringify(this.#o.masker.maskJson(c.arguments)));
  }

  #bounded(text: string): string {
    return boundedText(text, this.#o.auditPayloadBytes);
  }
}
