// The fleet simulator as a service: simulated gateways producing Avro events
// onto the bus at a target rate. Used by the fleet-sim app, `mcpg up` demo
// traffic, the end-to-end tests and the ingest benchmark.
import { TOPICS } from '@mcpg/events';
import type { Bus } from '@mcpg/pipeline';
import { runTraffic, type ToolFault, type TrafficSummary } from '@mcpg/simulator';

export interface FleetSimOptions {
  readonly bus: Bus;
  readonly seed: number;
  readonly orgs: readonly string[];
  readonly gateways: number;
  readonly rate: number;
  readonly durationSec?: number;
  readonly totalCalls?: number;
  readonly startTime?: number;
  readonly malformedEvery?: number;
  readonly faults?: readonly ToolFault[];
  readonly audit?: boolean;
  readonly partitions?: number;
  readonly signal?: AbortSignal;
  /** Topics to send to instead of mcpg's (tests use their own, so they read only their events). */
  readonly topics?: { readonly calls?: string; readonly audit?: string };
}

export async function runFleetSim(opts: FleetSimOptions): Promise<TrafficSummary> {
  const rename: Record<string, string> = { [TOPICS.calls]: opts.topics?.calls ?? TOPICS.calls, [TOPICS.audit]: opts.topics?.audit ?? TOPICS.audit };
  await opts.bus.ensureTopics(
    [rename[TOPICS.calls]!, rename[TOPICS.audit]!, TOPICS.deadletter].map((name) => ({ name, partitions: opts.partitions ?? 6 })),
  );
  const producer = await opts.bus.producer();
  try {
    return await runTraffic({ ...opts, send: (topic, messages) => producer.send(rename[topic] ?? topic, messages) });
  } finally {
    await producer.close();
  }
}

/** The simulator settings (libs/config simSettings) as the options of a run. */
export interface SimConfig {
  readonly simSeed: number;
  readonly simOrgs: readonly string[];
  readonly simGateways: number;
  readonly simRate: number;
  readonly simDuration: number;
  readonly simTotal: number;
  readonly simMalformedEvery: number;
  readonly simAudit: boolean;
  readonly simFaults: readonly ToolFault[];
  readonly partitions: number;
}

export function simOptions(c: SimConfig): Omit<FleetSimOptions, 'bus' | 'signal'> {
  return {
    seed: c.simSeed,
    orgs: c.simOrgs,
    gateways: c.simGateways,
    rate: c.simRate,
    durationSec: c.simDuration,
    totalCalls: c.simTotal || undefined,
    malformedEvery: c.simMalformedEvery,
    audit: c.simAudit,
    faults: c.simFaults,
    partitions: c.partitions,
  };
}

/** One-screen summary of what the simulator sent. */
export function formatSummary(s: TrafficSummary): string {
  const t = s.tally;
  const byOutcome: Record<string, number> = {};
  let tokensIn = 0;
  let tokensOut = 0;
  const orgs = new Map<string, number>();
  for (const series of t.series.values()) {
    for (const [k, v] of Object.entries(series.outcomes)) byOutcome[k] = (byOutcome[k] ?? 0) + v;
    tokensIn += series.tokensIn;
    tokensOut += series.tokensOut;
    orgs.set(series.org, (orgs.get(series.org) ?? 0) + series.calls);
  }
  const lines = [
    `sent ${t.calls} tool calls (${t.audits} audit events) in ${s.elapsedSec.toFixed(1)} s — ${Math.round(s.achievedRate)} calls/s`,
    `  outcomes: ${Object.entries(byOutcome).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  tokens:   in ${tokensIn}, out ${tokensOut}`,
    `  orgs:     ${[...orgs].map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  series:   ${t.series.size} org/workspace/plugin/tool label sets`,
  ];
  if (t.malformedTotal) lines.push(`  malformed: ${Object.entries(t.malformed).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return lines.join('\n');
}
