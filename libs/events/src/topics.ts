/** Kafka topics of the pipeline (DESIGN.md §3). The version suffix changes only with an incompatible schema. */
export const TOPICS = {
  calls: 'mcpg.calls.v1',
  audit: 'mcpg.audit.v1',
  /** mcpg.audit.v1 re-partitioned by the ledger's router: each org in one partition, whatever the producers' partitioner. */
  auditByOrg: 'mcpg.audit.by-org.v1',
  deadletter: 'mcpg.deadletter.v1',
  /** Captured payloads, sealed per org (AES-256-GCM): a topic of its own so its ACLs and retention can be tighter than the calls'. */
  payloads: 'mcpg.payloads.v1',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
