// The audit event the ledger benchmarks append: ~350 bytes of masked text,
// the mix of actions, outcomes and labels a busy org produces. Shared so
// that the end-to-end append and the engine-alone ceiling measure the same
// rows.
import type { LedgerEvent } from '@mcpg/ledger';

export const BENCH_T0 = Date.UTC(2026, 0, 1);

/** Event i of the benchmark stream, in org `org-${i % orgs}`; 10 ms apart in event time. */
export const benchLedgerEvent = (i: number, orgs = 1): LedgerEvent => ({
  org: `org-${i % orgs}`,
  event_id: `01J9Z3Q4V8K2M5N7P0R3S${String(i).padStart(8, '0')}`,
  workspace: `workspace-${i % 20}`,
  instance: `gw-${i % 8}`,
  occurred_at: BENCH_T0 + i * 10,
  action: i % 10 === 0 ? 'policy.deny' : 'tool.call',
  actor: `agent-${i % 50}@example.com`,
  resource: `github__${['create_issue', 'search_code', 'get_file'][i % 3]}`,
  decision: i % 10 === 0 ? 'deny' : 'permit',
  outcome: i % 10 === 0 ? 'denied' : 'ok',
  latency_us: 1000 + (i % 5000),
  arguments: JSON.stringify({ repo: `acme/service-${i % 40}`, query: `error handling in module ${i % 300}`, token: '[REDACTED:github_token]' }),
  response: i % 10 === 0 ? null : `found ${i % 17} results in ${i % 40} files`,
  error: null,
  trace_id: (i * 2654435761).toString(16).padStart(32, '0').slice(-32),
});
