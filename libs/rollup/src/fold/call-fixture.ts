// Test helper: call events with only the fields the fold reads varying.
import type { ToolCallEvent } from '@mcpg/events';

export const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

export function call(overrides: Partial<ToolCallEvent> = {}): ToolCallEvent {
  return {
    event_id: 'e',
    org: 'acme',
    workspace: 'prod',
    instance: 'gw-1',
    plugin: 'github',
    tool: 'search',
    actor: 'agent-1@acme',
    source: 'mcp',
    started_at: T0,
    emitted_at: T0 + 5,
    duration_us: 12_345,
    outcome: 'ok',
    error_code: null,
    error_message: null,
    tokens_in: 10,
    tokens_out: 20,
    trace_id: null,
    span_id: null,
    policy_decision: 'permit',
    policy_rule_id: null,
    ...overrides,
  };
}

/** mulberry32: a seeded uniform source, so generated tests are reproducible. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lognormal with the given median and sigma (Box–Muller). */
export function lognormal(rand: () => number, median: number, sigma: number): number {
  const u = 1 - rand();
  const v = rand();
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}
