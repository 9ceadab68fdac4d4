// A row of `tool_invocation_payloads` (schemas/clickhouse/050): one sealed
// payload of a call. The binary parts are base64 text; times are epoch ms.
import type { PayloadField } from '@mcpg/events';

export interface PayloadRow {
  readonly org: string;
  readonly event_id: string;
  readonly field: PayloadField;
  readonly workspace: string;
  readonly instance: string;
  readonly key_version: number;
  readonly nonce: string;
  readonly ciphertext: string;
  readonly tag: string;
  readonly original_bytes: number;
  readonly truncated: boolean;
  /** Epoch milliseconds. */
  readonly started_at: number;
  readonly source_partition: number;
  /** Decimal string (Kafka offsets are int64). */
  readonly source_offset: string;
}
