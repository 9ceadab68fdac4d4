// audit_log rows of the ledger (schemas/clickhouse/004): written by the
// ledger-worker exactly as LedgerFold appended them, read back in seq order
// for exports and range verification.
import { fromHexStrict, toHex, type ExportedRow, type LedgerRow } from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import { StoreError, toStoreError } from '../errors.ts';
import { insertEncodedRows, jsonOrNull } from './encoded-insert.ts';
import { RowBinaryWriter } from './row-binary.ts';

/** A row as the worker stores it: the appended row, its hashes and where it was read from. */
export interface StoredLedgerRow extends ExportedRow {
  readonly sourcePartition: number;
  /** Kafka offset as a decimal string. */
  readonly sourceOffset: string;
}

export const LEDGER_ROW_COLUMNS: readonly string[] = [
  'org', 'seq', 'event_id', 'workspace', 'instance', 'occurred_at', 'action', 'actor', 'resource', 'decision', 'outcome',
  'latency_us', 'arguments', 'response', 'error', 'trace_id', 'leaf_hash', 'prev_hash', 'source_partition', 'source_offset',
];

/** The rows as JSONCompactEachRow lines, JSON-escaped exactly as the client would. */
export function encodeLedgerRowsJson(rows: readonly StoredLedgerRow[]): Buffer {
  const lines = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const { row: r, leafHash, prevHash, sourcePartition, sourceOffset } = rows[i]!;
    lines[i] =
      `[${JSON.stringify(r.org)},${r.seq},${JSON.stringify(r.event_id)},${JSON.stringify(r.workspace)},${JSON.stringify(r.instance)},` +
      `${r.occurred_at},${JSON.stringify(r.action)},${JSON.stringify(r.actor)},${JSON.stringify(r.resource)},${JSON.stringify(r.decision)},` +
      `${JSON.stringify(r.outcome)},${r.latency_us === null ? 'null' : r.latency_us},${jsonOrNull(r.arguments)},${jsonOrNull(r.response)},` +
      `${jsonOrNull(r.error)},${jsonOrNull(r.trace_id)},"${toHex(leafHash)}","${toHex(prevHash)}",${sourcePartition},${sourceOffset}]\n`;
  }
  return Buffer.from(lines.join(''));
}

/** The rows in RowBinary (row-binary.ts), columns in the order of LEDGER_ROW_COLUMNS. */
// One writer for the process, grown to the largest chunk once (take() copies the bytes out).
const writer = new RowBinaryWriter();

export function encodeLedgerRowsRowBinary(rows: readonly StoredLedgerRow[], w: RowBinaryWriter = writer): Buffer {
  return w.encode(() => {
    for (let i = 0; i < rows.length; i++) {
      const { row: r, leafHash, prevHash, sourcePartition, sourceOffset } = rows[i]!;
      w.string(r.org);
      w.uint64Big(r.seq);
      w.string(r.event_id);
      w.string(r.workspace);
      w.string(r.instance);
      w.int64(r.occurred_at);
      w.string(r.action);
      w.string(r.actor);
      w.string(r.resource);
      w.string(r.decision);
      w.string(r.outcome);
      w.nullableInt64(r.latency_us);
      w.nullableString(r.arguments);
      w.nullableString(r.response);
      w.nullableString(r.error);
      w.nullableString(r.trace_id);
      w.hex(leafHash);
      w.hex(prevHash);
      w.uint16(sourcePartition);
      w.uint64Decimal(sourceOffset);
    }
  });
}

/**
 * Idempotent: a re-appended row has the same (org, occurred_at, seq) and content, and folds on merge.
 * Encoded here (encoded-insert.ts says why), so the stored text is the hashed text.
 */
export async function insertLedgerRows(store: Store, rows: readonly StoredLedgerRow[]): Promise<void> {
  if (!rows.length) return;
  try {
    await insertEncodedRows(store, 'audit_log', LEDGER_ROW_COLUMNS, rows, encodeLedgerRowsRowBinary, encodeLedgerRowsJson);
  } catch (err) {
    throw toStoreError(err, `inserting ${rows.length} audit_log rows`);
  }
}

// 64-bit integers as strings: the engine may print them as JSON numbers,
// which lose precision beyond 2^53. Aliases differ from the column names, or
// WHERE and ORDER BY would see the strings.
const ROWS_SQL = `
SELECT org, toString(seq) AS seq_text, event_id, workspace, instance, toUnixTimestamp64Milli(occurred_at) AS occurred_ms,
       action, actor, resource, decision, outcome, toString(latency_us) AS latency_text, arguments, response, error, trace_id,
       leaf_hash, prev_hash
FROM audit_log FINAL
WHERE org = {org:String} AND seq >= {from:UInt64} AND seq < {to:UInt64}
ORDER BY seq, occurred_at, leaf_hash`;

interface RowJson {
  org: string;
  seq_text: string;
  event_id: string;
  workspace: string;
  instance: string;
  occurred_ms: number | string;
  action: string;
  actor: string;
  resource: string;
  decision: string;
  outcome: string;
  latency_text: string | null;
  arguments: string | null;
  response: string | null;
  error: string | null;
  trace_id: string | null;
  leaf_hash: string;
  prev_hash: string;
}

function hash(value: string, what: string): Uint8Array {
  const bytes = fromHexStrict(value);
  if (bytes === undefined || bytes.length !== 32) throw new StoreError('QUERY_FAILED', `audit_log ${what} is not a 64-digit hex hash`, false);
  return bytes;
}

function toExported(r: RowJson): ExportedRow {
  const row: LedgerRow = {
    org: r.org,
    seq: BigInt(r.seq_text),
    event_id: r.event_id,
    workspace: r.workspace,
    instance: r.instance,
    occurred_at: Number(r.occurred_ms),
    action: r.action,
    actor: r.actor,
    resource: r.resource,
    decision: r.decision,
    outcome: r.outcome,
    latency_us: r.latency_text === null ? null : Number(r.latency_text),
    arguments: r.arguments,
    response: r.response,
    error: r.error,
    trace_id: r.trace_id,
  };
  // Stored hashes are passed on as they are; the verifier recomputes them.
  return { row, leafHash: hash(r.leaf_hash, `leaf_hash of seq ${r.seq_text}`), prevHash: hash(r.prev_hash, `prev_hash of seq ${r.seq_text}`) };
}

/**
 * Rows of an org with from ≤ seq < to, ordered by seq, exactly as stored
 * (duplicates and gaps included: hiding them would hide tampering).
 */
export async function queryLedgerRows(store: Store, q: { readonly org: string; readonly fromSeq: number; readonly toSeq: number }): Promise<ExportedRow[]> {
  try {
    const rs = await store.client.query({ query: ROWS_SQL, query_params: { org: q.org, from: q.fromSeq, to: q.toSeq }, format: 'JSONEachRow' });
    return (await rs.json<RowJson>()).map(toExported);
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw toStoreError(err, `reading audit_log rows of ${q.org}`);
  }
}

export interface LedgerRowSpan {
  /** Rows stored (duplicates counted once per distinct (occurred_at, seq)). */
  readonly rows: number;
  /** Lowest and highest seq stored; null when the org has no rows. */
  readonly minSeq: number | null;
  readonly maxSeq: number | null;
}

export async function queryLedgerRowSpan(store: Store, org: string): Promise<LedgerRowSpan> {
  try {
    const rs = await store.client.query({
      query: 'SELECT toString(count()) AS n, toString(min(seq)) AS lo, toString(max(seq)) AS hi FROM audit_log FINAL WHERE org = {org:String}',
      query_params: { org },
      format: 'JSONEachRow',
    });
    const [r] = await rs.json<{ n: string; lo: string; hi: string }>();
    const rows = Number(r?.n ?? 0);
    return { rows, minSeq: rows ? Number(r?.lo) : null, maxSeq: rows ? Number(r?.hi) : null };
  } catch (err) {
    throw toStoreError(err, `reading the audit_log span of ${org}`);
  }
}
