// One call and what the pipeline knows about it: its tool_invocations row
// (with the Kafka timestamp and the time it was stored), its audit rows
// (audit_log, joined by the audit event id the gateway derives from the
// call's: `<call event id>:audit`, which is hashed into the ledger), and the
// first signed checkpoint that covers them, for an inclusion proof.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import { queryCheckpointCovering } from '../ledger/ledger-checkpoints.ts';
import { INVOCATION_COLUMNS, toInvocationItem, type InvocationItem, type InvocationRecord } from './query-invocations.ts';

export interface TracedCall extends InvocationItem {
  readonly spanId: string;
  readonly policyDecision: string;
  readonly policyRuleId: string;
  readonly errorHash: string;
  readonly emittedAtMs: number;
  readonly kafkaAtMs: number | null;
  readonly storedAtMs: number;
}

export interface TracedAuditRow {
  readonly seq: number;
  readonly occurredAtMs: number;
  readonly action: string;
  readonly actor: string;
  readonly instance: string;
  readonly resource: string;
  readonly decision: string;
  readonly outcome: string;
  readonly leafHash: string;
}

export interface CallTrace {
  readonly call: TracedCall;
  readonly audit: readonly TracedAuditRow[];
  /** Size of the first signed checkpoint covering the first audit row; null until one is signed. */
  readonly coveringTreeSize: number | null;
}

const CALL_SQL = `
SELECT ${INVOCATION_COLUMNS}, span_id, toString(policy_decision) AS policy_decision, policy_rule_id, error_hash,
       toUnixTimestamp64Milli(emitted_at) AS emitted_ms, toUnixTimestamp64Milli(kafka_at) AS kafka_ms, toUnixTimestamp64Milli(stored_at) AS stored_ms
FROM tool_invocations FINAL
WHERE org = {org:String} AND event_id = {id:String}
LIMIT 1`;

// The audit event is stamped when the call starts; a day either side keeps
// the read to a few granules of the (org, occurred_at, seq) sort key.
const AUDIT_SQL = `
SELECT toString(seq) AS seq, toUnixTimestamp64Milli(occurred_at) AS occurred_ms, action, actor, instance, resource, decision, outcome, leaf_hash
FROM audit_log FINAL
WHERE org = {org:String}
  AND occurred_at >= fromUnixTimestamp64Milli({started_ms:Int64} - 86400000, 'UTC')
  AND occurred_at < fromUnixTimestamp64Milli({started_ms:Int64} + 86400000, 'UTC')
  AND event_id = {audit_id:String}
ORDER BY seq`;

/** The audit event id the gateway gives a call's audit event (libs/gateway event-ids). */
export const auditEventIdOf = (callEventId: string): string => `${callEventId}:audit`;

type Num = number | string;

export async function queryCallTrace(store: Store, org: string, eventId: string): Promise<CallTrace | null> {
  try {
    const settings = { output_format_json_quote_64bit_integers: 0 } as const;
    const rs = await store.client.query({ query: CALL_SQL, query_params: { org, id: eventId }, format: 'JSONEachRow', clickhouse_settings: settings });
    const [row] = await rs.json<InvocationRecord & { span_id: string; policy_decision: string; policy_rule_id: string; error_hash: string; emitted_ms: Num; kafka_ms: Num | null; stored_ms: Num }>();
    if (!row) return null;
    const call: TracedCall = {
      ...toInvocationItem(row),
      spanId: row.span_id,
      policyDecision: row.policy_decision,
      policyRuleId: row.policy_rule_id,
      errorHash: row.error_hash,
      emittedAtMs: Number(row.emitted_ms),
      kafkaAtMs: row.kafka_ms === null ? null : Number(row.kafka_ms),
      storedAtMs: Number(row.stored_ms),
    };
    const ars = await store.client.query({
      query: AUDIT_SQL,
      query_params: { org, started_ms: call.startedAtMs, audit_id: auditEventIdOf(eventId) },
      format: 'JSONEachRow',
      clickhouse_settings: settings,
    });
    const audit = (await ars.json<{ seq: string; occurred_ms: Num; action: string; actor: string; instance: string; resource: string; decision: string; outcome: string; leaf_hash: string }>()).map(
      (a): TracedAuditRow => ({
        seq: Number(a.seq),
        occurredAtMs: Number(a.occurred_ms),
        action: a.action,
        actor: a.actor,
        instance: a.instance,
        resource: a.resource,
        decision: a.decision,
        outcome: a.outcome,
        leafHash: a.leaf_hash,
      }),
    );
    const covering = audit.length > 0 ? await queryCheckpointCovering(store, org, audit[0]!.seq + 1) : undefined;
    return { call, audit, coveringTreeSize: covering?.treeSize ?? null };
  } catch (err) {
    throw toStoreError(err, 'querying a call trace');
  }
}
