// The topics mcpg uses (DESIGN.md §3). Partition counts are the defaults for
// `ensureTopics` at start-up; the key is always the org.

import type { TopicSpec } from './port.ts';

export const MCPG_TOPICS = {
  calls: { name: 'mcpg.calls.v1', partitions: 6 },
  audit: { name: 'mcpg.audit.v1', partitions: 6 },
  auditByOrg: { name: 'mcpg.audit.by-org.v1', partitions: 6 },
  deadletter: { name: 'mcpg.deadletter.v1', partitions: 1 },
} as const satisfies Record<string, TopicSpec>;
