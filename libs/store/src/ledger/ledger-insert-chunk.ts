// audit_log and audit_merkle_nodes rows in RowBinary, written as the fold
// appends each row, for the embedded engine's file inserts (encoded-insert.ts).
// The fold has just written the row's canonical bytes (libs/ledger
// canonical-row.ts) to hash them; their strings are already what RowBinary
// wants (a LEB128 length and the UTF-8 bytes), so the row is transcoded from
// them: the strings copied, the fixed-width integers turned little-endian,
// the presence bytes of the nullable fields inverted. Nothing is encoded twice
// and no row object is kept until the insert: the rows of a 25,000-event
// chunk used to outlive a few young-generation collections and be copied into
// the old one.
//
// Produces the same bytes as encodeLedgerRowsRowBinary and
// encodeMerkleNodesRowBinary for the same rows (ledger-insert-chunk.spec.ts).
import { CANONICAL_ROW_VERSION, type AppendedLeaf, type Hash } from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import { StoreError, toStoreError } from '../errors.ts';
import { insertRowBinaryEmbedded } from './encoded-insert.ts';
import { LEDGER_ROW_COLUMNS } from './ledger-rows.ts';
import { MERKLE_NODE_COLUMNS } from './merkle-nodes.ts';
import { RowBinaryWriter } from './row-binary.ts';

function malformed(what: string): never {
  throw new StoreError('QUERY_FAILED', `canonical row bytes: ${what}`, false);
}

/** The offset after the length-prefixed string at `at` (uvarint length, then the bytes). */
function stringEnd(c: Uint8Array, at: number): number {
  let len = 0;
  let scale = 1;
  let b: number;
  do {
    b = c[at++]!;
    len += (b & 0x7f) * scale;
    scale *= 0x80;
  } while (b >= 0x80);
  return at + len;
}

/** Perfect nodes completed by appending leaf `seq`: the leaf and one per trailing 1 bit of seq. */
function nodesCompleted(seq: number): number {
  let n = 1;
  for (let s = seq; s % 2 === 1; s = (s - 1) / 2) n++;
  return n;
}

/**
 * One chunk's rows and node rows. Reused: `reset()` before each chunk; the
 * bodies are views of its writers, so a chunk is not written to again until
 * its insert has finished.
 */
export class LedgerInsertChunk {
  private readonly rows = new RowBinaryWriter();
  private readonly nodes = new RowBinaryWriter();
  private org = '';
  // Hashes still due in the current node row (its array length is written first).
  private pendingNodes = 0;
  private count = 0;

  /** Rows written since the last reset. */
  get rowCount(): number {
    return this.count;
  }

  reset(): void {
    this.rows.reset();
    this.nodes.reset();
    this.pendingNodes = 0;
    this.count = 0;
  }

  /** The org of the rows that follow (the node rows name it). */
  beginRow(org: string): void {
    this.org = org;
  }

  /**
   * A NodeVisitor for the fold: the node row of leaf `index` (level 0 comes
   * first), then each parent it completes.
   */
  readonly visit = (level: number, index: number, hash: Hash): void => {
    const w = this.nodes;
    if (level === 0) {
      if (this.pendingNodes !== 0) malformed(`the node row before seq ${index} is missing ${this.pendingNodes} hashes`);
      const n = nodesCompleted(index);
      w.string(this.org);
      w.uint64(index);
      w.arrayLength(n);
      this.pendingNodes = n;
    } else if (this.pendingNodes === 0) malformed(`a level ${level} node beyond its row's count`);
    w.hex(hash);
    this.pendingNodes--;
  };

  /** The appended row, columns in the order of LEDGER_ROW_COLUMNS. */
  row(leaf: AppendedLeaf, sourcePartition: number, sourceOffset: string): void {
    const c = leaf.canonical;
    const w = this.rows;
    // [version][seq, 8 BE][org][event_id][workspace][instance][occurred_at, 8 BE]
    // [action][actor][resource][decision][outcome][latency: 0 | 1 + 8 BE]
    // [arguments][response][error][trace_id: 0 | 1 + string]
    if (c[0] !== CANONICAL_ROW_VERSION) malformed(`version ${c[0]}, this writer knows ${CANONICAL_ROW_VERSION}`);
    let at = 9;
    let end = stringEnd(c, at);
    w.bytes(c, at, end); // org
    w.reversed8(c, 1); // seq
    at = end;
    end = stringEnd(c, stringEnd(c, stringEnd(c, at)));
    w.bytes(c, at, end); // event_id, workspace, instance
    w.reversed8(c, end); // occurred_at (DateTime64(3) ticks: the same milliseconds)
    at = end + 8;
    end = at;
    for (let k = 0; k < 5; k++) end = stringEnd(c, end);
    w.bytes(c, at, end); // action, actor, resource, decision, outcome
    at = end;
    // Nullable: the canonical presence byte is 1 for a value, RowBinary's null flag 1 for NULL.
    if (c[at] === 0) {
      w.uint8(1);
      at++;
    } else {
      w.uint8(0);
      w.reversed8(c, at + 1);
      at += 9;
    }
    for (let k = 0; k < 4; k++) {
      if (c[at] === 0) {
        w.uint8(1);
        at++;
      } else {
        w.uint8(0);
        end = stringEnd(c, at + 1);
        w.bytes(c, at + 1, end);
        at = end;
      }
    }
    if (at !== c.length) malformed(`${c.length} bytes, the fields end at ${at}`);
    w.hex(leaf.leafHash);
    w.hex(leaf.prevHash);
    w.uint16(sourcePartition);
    w.uint64Decimal(sourceOffset);
    this.count++;
  }

  /** audit_log's body (a view: valid until the next reset). */
  rowsBody(): Buffer {
    return this.rows.view();
  }

  /** audit_merkle_nodes' body (a view: valid until the next reset). */
  nodesBody(): Buffer {
    if (this.pendingNodes !== 0) malformed(`the last node row is missing ${this.pendingNodes} hashes`);
    return this.nodes.view();
  }

  /** Inserts the rows and their node rows (embedded engine only), side by side. Idempotent as insertLedgerRows is. */
  async insert(store: Store): Promise<void> {
    if (this.count === 0) return;
    const rows = this.rowsBody();
    const nodes = this.nodesBody();
    await Promise.all([
      insertRowBinaryEmbedded(store, 'audit_log', LEDGER_ROW_COLUMNS, rows).catch((err: unknown) => {
        throw toStoreError(err, `inserting ${this.count} audit_log rows`);
      }),
      insertRowBinaryEmbedded(store, 'audit_merkle_nodes', MERKLE_NODE_COLUMNS, nodes).catch((err: unknown) => {
        throw toStoreError(err, `inserting ${this.count} audit_merkle_nodes rows`);
      }),
    ]);
  }
}
