// Sends simulated traffic at a target rate until a duration or an abort. The
// sink is a plain function so this core library needs no bus adapter: any
// producer with this shape (Kafka, in-memory) plugs in.
import { auditCodec, toolCallCodec, TOPICS } from '@mcpg/events';
import { MALFORMED_KINDS, malformedMessage } from './malformed.ts';
import { Random } from './random.ts';
import { Tally } from './tally.ts';
import { TrafficGenerator, type TrafficOptions } from './traffic.ts';

/** One simulated call in this many carries a sampled trace flag. */
const SAMPLED_EVERY = 64;

export interface SimMessage {
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}
export type SimSend = (topic: string, messages: readonly SimMessage[]) => Promise<void>;

export interface RunTrafficOptions extends Omit<TrafficOptions, 'startTime'> {
  readonly send: SimSend;
  /** Event time of the first call; default now. */
  readonly startTime?: number;
  /** Seconds; 0 = until aborted. */
  readonly durationSec?: number;
  /** Exact number of calls to send, then stop (overrides duration). */
  readonly totalCalls?: number;
  /** Also send AuditEvents. Default true. */
  readonly audit?: boolean;
  /** After every N-th call, also send one malformed message. 0 = never. */
  readonly malformedEvery?: number;
  /** Most calls in one send. */
  readonly batchMax?: number;
  readonly signal?: AbortSignal;
}

export interface TrafficSummary {
  readonly tally: Tally;
  readonly elapsedSec: number;
  readonly achievedRate: number;
}

export async function runTraffic(opts: RunTrafficOptions): Promise<TrafficSummary> {
  const gen = new TrafficGenerator({ ...opts, startTime: opts.startTime ?? Date.now() });
  const rnd = new Random(opts.seed ^ 0xbad);
  const tally = new Tally();
  const withAudit = opts.audit ?? true;
  const batchMax = opts.batchMax ?? 2000;
  const total = opts.totalCalls ?? (opts.durationSec ? Math.round(opts.rate * opts.durationSec) : Infinity);
  const t0 = performance.now();

  while (!opts.signal?.aborted && gen.count < total) {
    const elapsed = (performance.now() - t0) / 1000;
    const due = Math.min(total, opts.rate > 0 ? Math.floor(opts.rate * elapsed) + 1 : 0) - gen.count;
    if (due <= 0) {
      await sleep(opts.rate > 0 ? Math.min(20, 1000 / opts.rate) : 50);
      continue;
    }
    const n = Math.min(due, batchMax);
    const calls: SimMessage[] = [];
    const audits: SimMessage[] = [];
    for (let i = 0; i < n; i++) {
      const { call, audit } = gen.next();
      // Sampled as a gateway sampling one call in SAMPLED_EVERY would mark it:
      // every call carries its trace, few ask the pipeline to record spans, so
      // `mcpg up` with export on does not overflow the span queue at demo rates.
      const flags = gen.count % SAMPLED_EVERY === 0 ? '01' : '00';
      const headers = call.trace_id && call.span_id ? { traceparent: `00-${call.trace_id}-${call.span_id}-${flags}` } : undefined;
      const value = toolCallCodec.encode(call);
      calls.push({ key: call.org, value, headers });
      tally.addCall(call);
      if (withAudit) {
        audits.push({ key: audit.org, value: auditCodec.encode(audit), headers });
        tally.audits++;
      }
      if (opts.malformedEvery && gen.count % opts.malformedEvery === 0) {
        const kind = MALFORMED_KINDS[tally.malformedTotal % MALFORMED_KINDS.length] as (typeof MALFORMED_KINDS)[number];
        calls.push({ key: call.org, value: malformedMessage(kind, value, rnd), headers: { 'mcpg-sim-malformed': kind } });
        tally.addMalformed(kind);
      }
    }
    await Promise.all([opts.send(TOPICS.calls, calls), audits.length ? opts.send(TOPICS.audit, audits) : undefined]);
  }
  const elapsedSec = (performance.now() - t0) / 1000;
  return { tally, elapsedSec, achievedRate: tally.calls / Math.max(elapsedSec, 1e-9) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
