// Deterministic audit events for the ledger's tests (no clock, no randomness).
import type { LedgerEvent } from './index.ts';

const ACTIONS = ['tool.call', 'policy.deny', 'plugin.started', 'operator.config_change'] as const;
export const T0 = Date.UTC(2026, 0, 1);

export function sampleEvent(org: string, i: number): LedgerEvent {
  return {
    org,
    event_id: `evt-${org}-${i}`,
    workspace: `ws-${i % 3}`,
    instance: `gw-${i % 2}`,
    occurred_at: T0 + i * 1000,
    action: ACTIONS[i % ACTIONS.length] as string,
    actor: `user-${i % 5}@${org}.example`,
    resource: i % 4 === 0 ? '' : `github__tool_${i % 7}`,
    decision: i % 4 === 1 ? 'deny' : 'permit',
    outcome: i % 4 === 1 ? 'denied' : 'ok',
    latency_us: i % 3 === 0 ? null : 1000 + i,
    arguments: i % 2 === 0 ? `{"n":${i}}` : null,
    response: null,
    error: i % 5 === 0 ? 'upstream timeout' : null,
    trace_id: i % 2 === 1 ? i.toString(16).padStart(32, '0') : null,
  };
}

export function sampleEvents(org: string, count: number, from = 0): LedgerEvent[] {
  return Array.from({ length: count }, (_, k) => sampleEvent(org, from + k));
}
