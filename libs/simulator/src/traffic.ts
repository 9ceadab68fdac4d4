// Draws tool calls from a Fleet: one ToolCallEvent and its AuditEvent per call.
// Deterministic: the n-th call of a generator depends only on the seed and the
// start time, never on the wall clock or on how calls are batched.
import { callAction, type AuditEvent, type ToolCallEvent } from '@mcpg/events';
import { Fleet, type FleetOptions } from './fleet.ts';
import { Random } from './random.ts';

export interface TrafficOptions extends FleetOptions {
  /** Event time of the first call, epoch ms. */
  readonly startTime: number;
  /** Calls per second of event time. */
  readonly rate: number;
}

export interface SimulatedCall {
  readonly call: ToolCallEvent;
  readonly audit: AuditEvent;
}

const DENY_RATE = 0.01;
const CANCEL_RATE = 0.003;
const TIMEOUT_SHARE = 0.2;
const TIMEOUT_MS = 30_000;

export class TrafficGenerator {
  private readonly fleet: Fleet;
  private readonly rnd: Random;
  private n = 0;

  constructor(private readonly opts: TrafficOptions) {
    this.fleet = new Fleet(opts);
    this.rnd = new Random(opts.seed);
  }

  /** Calls generated so far. */
  get count(): number {
    return this.n;
  }

  next(): SimulatedCall {
    const rnd = this.rnd;
    const model = this.fleet.orgPicker.pick(rnd);
    const profile = model.tools.pick(rnd);
    const workspace = model.workspaces.pick(rnd);
    const instance = rnd.pick(model.instances);
    const actor = rnd.pick(model.actors);
    const startedAt = this.opts.startTime + Math.floor((this.n * 1000) / this.opts.rate);
    this.n++;

    let outcome: ToolCallEvent['outcome'] = 'ok';
    let durationMs = Math.min(rnd.lognormal(profile.medianMs, profile.sigma), TIMEOUT_MS);
    let error: { code: string; message: string } | null = null;
    const roll = rnd.next();
    if (roll < DENY_RATE) {
      outcome = 'denied';
      durationMs = 0.2 + rnd.next();
      error = { code: 'POLICY_DENY', message: `policy denied ${profile.plugin}__${profile.tool} for ${actor}` };
    } else if (roll < DENY_RATE + CANCEL_RATE) {
      outcome = 'cancelled';
      error = { code: 'CANCELLED', message: 'client cancelled the request' };
    } else if (roll < DENY_RATE + CANCEL_RATE + profile.errorRate) {
      if (rnd.next() < TIMEOUT_SHARE) {
        outcome = 'timeout';
        durationMs = TIMEOUT_MS;
        error = { code: 'TIMEOUT', message: `no answer from ${profile.plugin} within 30s` };
      } else {
        outcome = 'error';
        error = rnd.pick(profile.errors);
      }
    }
    const ran = outcome === 'ok' || outcome === 'error';
    const tokensIn = outcome === 'denied' ? 0 : Math.round(rnd.lognormal(profile.tokensIn, 0.6));
    const tokensOut = ran ? Math.round(rnd.lognormal(profile.tokensOut, 0.8)) : 0;
    const durationUs = Math.max(1, Math.round(durationMs * 1000));
    const eventId = rnd.uuid();
    const traceId = rnd.uuid().replace(/-/g, '');
    const spanId = traceId.slice(0, 16);
    const sourceRoll = rnd.next();
    const source: ToolCallEvent['source'] = sourceRoll < 0.85 ? 'mcp' : sourceRoll < 0.95 ? 'sandbox' : 'skill';
    const emittedAt = startedAt + Math.ceil(durationMs);

    const call: ToolCallEvent = {
      event_id: eventId,
      org: model.org,
      workspace,
      instance,
      plugin: profile.plugin,
      tool: profile.tool,
      actor,
      source,
      started_at: startedAt,
      emitted_at: emittedAt,
      duration_us: durationUs,
      outcome,
      error_code: error?.code ?? null,
      error_message: error?.message ?? null,
      tokens_in: tokensIn,
      tokens_out: tokensOut,
      trace_id: traceId,
      span_id: spanId,
      policy_decision: outcome === 'denied' ? 'deny' : 'permit',
      policy_rule_id: outcome === 'denied' ? 'deny-untrusted-actors' : null,
    };
    const audit: AuditEvent = {
      event_id: `${eventId}:audit`,
      org: model.org,
      workspace,
      instance,
      occurred_at: startedAt,
      action: callAction(source, outcome),
      actor,
      resource: `${profile.plugin}__${profile.tool}`,
      decision: outcome === 'denied' ? 'deny' : 'permit',
      outcome,
      latency_us: durationUs,
      arguments: JSON.stringify({ tool: profile.tool, request: `req-${this.n}` }),
      response: ran && outcome === 'ok' ? `${tokensOut} tokens of ${profile.tool} output` : null,
      error: error?.message ?? null,
      trace_id: traceId,
      call_event_id: eventId,
    };
    return { call, audit };
  }
}
