// The sealed payloads of one call, by the table's sorting key (org, event_id):
// a read of one granule whatever the table's size, and since 084 a granule is
// at most 64 KiB (tool_invocation_payloads_v2). Calls captured before 084 are
// in tool_invocation_payloads (default 10 MiB granules) until their TTL: read
// there only when the new table has nothing for the call. No FINAL: a re-delivered
// payload is the same row byte for byte (every column but stored_at comes
// from the event), so keeping the first row per field is exact and skips the
// merge-on-read.
import type { PayloadField } from '@mcpg/events';
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

export interface StoredPayload {
  readonly field: PayloadField;
  readonly keyVersion: number;
  readonly nonce: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
  readonly originalBytes: number;
  readonly truncated: boolean;
  readonly startedAtMs: number;
}

/** The table payloads are written to; PAYLOAD_TABLES[1] holds those captured before migration 084. */
export const PAYLOAD_TABLES = ['tool_invocation_payloads_v2', 'tool_invocation_payloads'] as const;

// Table names cannot be parameters; these are the constants above.
const SQL = PAYLOAD_TABLES.map(
  (table) => `
SELECT toString(field) AS field, key_version, nonce, ciphertext, tag, original_bytes, truncated, toUnixTimestamp64Milli(started_at) AS started_ms
FROM ${table}
WHERE org = {org:String} AND event_id = {id:String}
ORDER BY field
LIMIT 1 BY field`,
);

export async function queryCallPayloads(store: Store, org: string, eventId: string): Promise<StoredPayload[]> {
  for (const query of SQL) {
    const rows = await read(store, query, org, eventId);
    if (rows.length > 0) return rows;
  }
  return [];
}

async function read(store: Store, query: string, org: string, eventId: string): Promise<StoredPayload[]> {
  try {
    const rs = await store.client.query({ query, query_params: { org, id: eventId }, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } });
    const rows = await rs.json<{ field: PayloadField; key_version: number; nonce: string; ciphertext: string; tag: string; original_bytes: number; truncated: boolean; started_ms: number | string }>();
    return rows.map((r) => ({
      field: r.field,
      keyVersion: Number(r.key_version),
      nonce: Buffer.from(r.nonce, 'base64'),
      ciphertext: Buffer.from(r.ciphertext, 'base64'),
      tag: Buffer.from(r.tag, 'base64'),
      originalBytes: Number(r.original_bytes),
      truncated: Boolean(r.truncated),
      startedAtMs: Number(r.started_ms),
    }));
  } catch (err) {
    throw toStoreError(err, 'querying the payloads of a call');
  }
}
