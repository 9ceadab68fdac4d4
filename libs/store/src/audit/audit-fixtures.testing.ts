// Test support: audit_log rows written directly, as the ledger worker would
// append them. Each row's leaf hash is real (search pages check the rows they
// serve against it); prev_hash is a placeholder, so the rows do not form a
// chain a verifier accepts.
import { rowLeafHash, toHex, type LedgerRow } from '@mcpg/ledger';
import type { Store } from '../create-store.ts';

export interface AuditFixture {
  readonly org: string;
  readonly seq: number;
  readonly occurredAtMs: number;
  readonly eventId?: string;
  readonly workspace?: string;
  readonly instance?: string;
  readonly action?: string;
  readonly actor?: string;
  readonly resource?: string;
  readonly decision?: string;
  readonly outcome?: string;
  readonly latencyUs?: number | null;
  readonly arguments?: string | null;
  readonly response?: string | null;
  readonly error?: string | null;
  readonly traceId?: string | null;
}

export async function insertAuditFixtures(store: Store, rows: readonly AuditFixture[]): Promise<void> {
  if (rows.length === 0) return;
  await store.client.insert({
    table: 'audit_log',
    format: 'JSONEachRow',
    values: rows.map((r) => withLeafHash({
      org: r.org,
      seq: r.seq,
      event_id: r.eventId ?? `evt-${r.org}-${r.seq}`,
      workspace: r.workspace ?? 'prod',
      instance: r.instance ?? 'gw-1',
      occurred_at: new Date(r.occurredAtMs).toISOString().replace('T', ' ').replace('Z', ''),
      action: r.action ?? 'tool.call',
      actor: r.actor ?? 'alice',
      resource: r.resource ?? 'github__search',
      decision: r.decision ?? 'permit',
      outcome: r.outcome ?? 'ok',
      latency_us: r.latencyUs === undefined ? 1500 : r.latencyUs,
      arguments: r.arguments === undefined ? null : r.arguments,
      response: r.response === undefined ? null : r.response,
      error: r.error === undefined ? null : r.error,
      trace_id: r.traceId === undefined ? null : r.traceId,
      prev_hash: '0'.repeat(64),
      source_partition: 0,
      source_offset: r.seq,
    }, r.occurredAtMs)),
  });
}

function withLeafHash<T extends Omit<LedgerRow, 'seq' | 'occurred_at'> & { seq: number }>(row: T, occurredAtMs: number): T & { leaf_hash: string } {
  return { ...row, leaf_hash: toHex(rowLeafHash({ ...row, seq: BigInt(row.seq), occurred_at: occurredAtMs })) };
}
