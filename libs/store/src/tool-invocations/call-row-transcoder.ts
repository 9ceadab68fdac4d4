// A call event's Avro bytes straight into its tool_invocations row in
// RowBinary, for the embedded engine. Both formats write a string as a
// length and its UTF-8 bytes, so the columns nothing reads on the way
// (event_id, instance, actor, trace and span ids, codes) are copied as bytes
// instead of becoming JS strings, an event object and a row object that are
// then encoded again; only the labels and figures the fold and its checks
// read become values (bench/ingest-peer.ts measured the difference).
//
// It reads one schema version only (the fingerprint below) and only the
// plain case: anything else — another version, a string that is not valid
// UTF-8, an empty or long label, a body that does not end where the record
// does — returns undefined and the caller decodes the message the general
// way (toolCallCodec, validateCall, toInvocationRow), which gives the exact
// verdict or row. So the bytes are the same either way
// (call-row-transcoder.spec.ts holds them to the general path).
import { isUtf8 } from 'node:buffer';
import { blake3 } from '@noble/hashes/blake3.js';
import { CALL_OUTCOMES, CALL_SOURCES, POLICY_DECISIONS, type CallOutcome } from '@mcpg/events';

/**
 * CRC-64-AVRO of the ToolCallEvent schema this reads (schemas/avro/tool-call-event.avsc).
 * A schema change gives another fingerprint: the fast path then stays off
 * until this file reads the new layout (its spec fails first).
 */
export const TRANSCODED_CALL_FINGERPRINT = '382fac00f628cdb4';

/** What the fold and the call checks read of an event, beside its row. */
export interface TranscodedCall {
  readonly org: string;
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  readonly started_at: number;
  readonly duration_us: number;
  readonly outcome: CallOutcome;
  readonly tokens_in: number;
  readonly tokens_out: number;
  /** The tool_invocations row in RowBinary (COLUMNS of insert-tool-invocations.ts, without retention_days): row.subarray(start, end). */
  readonly row: Buffer;
  readonly start: number;
  readonly end: number;
}

// An Avro enum is its symbol's index; the column's Enum8 value is that index + 1 (schemas/clickhouse/001).
const OUTCOMES: readonly CallOutcome[] = CALL_OUTCOMES;
const SOURCES = CALL_SOURCES.length;
const POLICIES = POLICY_DECISIONS.length;
/** validateCall's limit, in UTF-16 units; a label of at most this many bytes is within it. */
const MAX_LABEL = 256;
/** Single-object header: marker and fingerprint. */
const HEADER = 10;
const SLAB_BYTES = 1 << 20;
const HEX = '0123456789abcdef';

// The message being read and where; the row being written and where. One
// message at a time (all of it synchronous), so module state, not objects per call.
let bytes: Buffer = Buffer.alloc(0);
let at = 0;
let out: Buffer = Buffer.alloc(0);
let w = 0;

// Each string of the record: where its bytes start and end in `bytes` (-1 for a null union).
const EVENT_ID = 0;
const ORG = 2;
const WORKSPACE = 4;
const INSTANCE = 6;
const PLUGIN = 8;
const TOOL = 10;
const ACTOR = 12;
const ERROR_CODE = 14;
const ERROR_MESSAGE = 16;
const TRACE_ID = 18;
const SPAN_ID = 20;
const POLICY_RULE_ID = 22;
const pos = new Int32Array(24);
/** The strings copied into the row, in column order (error_message is hashed instead). */
const COPIED = [EVENT_ID, ORG, WORKSPACE, INSTANCE, PLUGIN, TOOL, ACTOR, ERROR_CODE, TRACE_ID, SPAN_ID, POLICY_RULE_ID] as const;

/** 2^53: a larger Avro long (before zigzag) goes the general way, where avsc decides. */
const MAX_UNSIGNED = 9_007_199_254_740_992;

// The loops below work on locals and store `at` / `w` back once: module
// variables are memory, not registers, and a store per byte cost ~2x.

/** Zigzag varint (Avro long), or NaN when it runs past the end or beyond ±2^52. */
function readLong(): number {
  const b = bytes;
  let p = at;
  let n = 0;
  let mul = 1;
  for (let i = 0; i < 8 && p < b.length; i++) {
    const x = b[p++]!;
    n += (x & 0x7f) * mul;
    if (x < 0x80) {
      at = p;
      return n >= MAX_UNSIGNED ? NaN : n % 2 ? -(n + 1) / 2 : n / 2;
    }
    mul *= 128;
  }
  return NaN;
}

/** ASCII strings, by slot: read as latin1 (the same text, with no UTF-8 decoding). */
const ascii = new Uint8Array(24);

/** A string's bounds into pos[k], pos[k+1]; false if it runs past the end or is not UTF-8. */
function readString(k: number): boolean {
  const len = readLong();
  const b = bytes;
  const start = at;
  const end = start + len;
  if (!(len >= 0) || end > b.length) return false;
  let high = 0;
  for (let i = start; i < end; i++) high |= b[i]!;
  if (high >= 0x80 && !isUtf8(b.subarray(start, end))) return false;
  ascii[k] = high < 0x80 ? 1 : 0;
  at = end;
  pos[k] = start;
  pos[k + 1] = end;
  return true;
}

/** A ["null","string"] union. */
function readOptional(k: number): boolean {
  const branch = readLong();
  if (branch === 0) {
    pos[k] = -1;
    pos[k + 1] = -1;
    return true;
  }
  return branch === 1 && readString(k);
}

const length = (k: number): number => (pos[k] === -1 ? 0 : pos[k + 1]! - pos[k]!);

/** A label as text when validateCall passes it for sure: not empty, and within the limit even counted in bytes. */
function label(k: number): string | undefined {
  const n = length(k);
  if (n === 0 || n > MAX_LABEL) return undefined;
  return bytes.toString(ascii[k] ? 'latin1' : 'utf8', pos[k], pos[k + 1]);
}

/** A RowBinary String from the message's bytes: LEB128 length, then the bytes; a null union as ''. */
function copyString(k: number): void {
  const from = pos[k]!;
  if (from === -1) {
    out[w++] = 0;
    return;
  }
  const to = pos[k + 1]!;
  const o = out;
  const b = bytes;
  let q = w;
  let n = to - from;
  while (n >= 0x80) {
    o[q++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  o[q++] = n;
  // Short strings (ids, names) byte by byte: a native copy costs more than they do.
  if (to - from > 32) q += b.copy(o, q, from, to);
  else for (let i = from; i < to; i++) o[q++] = b[i]!;
  w = q;
}

/** Little-endian 32 bits at w (the caller checked the range). */
function u32(v: number): void {
  const o = out;
  const q = w;
  o[q] = v;
  o[q + 1] = v >>> 8;
  o[q + 2] = v >>> 16;
  o[q + 3] = v >>> 24;
  w = q + 4;
}

function uint64(n: number): void {
  u32(n % 0x1_0000_0000);
  u32(Math.floor(n / 0x1_0000_0000));
}

/** Two's complement: the high word of a negative value as its unsigned 32 bits. */
function int64(n: number): void {
  const hi = Math.floor(n / 0x1_0000_0000);
  u32(n - hi * 0x1_0000_0000);
  u32(hi >>> 0);
}

/** error_hash: BLAKE3 of the masked message's UTF-8 as lower-case hex (errorHash), '' for none or empty. */
function errorHash(): void {
  if (length(ERROR_MESSAGE) === 0) {
    out[w++] = 0;
    return;
  }
  const digest = blake3(bytes.subarray(pos[ERROR_MESSAGE]!, pos[ERROR_MESSAGE + 1]!));
  out[w++] = 64;
  for (let i = 0; i < 32; i++) {
    out[w++] = HEX.charCodeAt(digest[i]! >> 4);
    out[w++] = HEX.charCodeAt(digest[i]! & 15);
  }
}

/**
 * Writes calls' rows into slabs of a MiB, each row a range of one: a slab
 * lives as long as a row in it is queued, and no Buffer is made per row.
 */
export class CallRowTranscoder {
  #slab = Buffer.allocUnsafe(SLAB_BYTES);
  #used = 0;
  readonly #fingerprint: Buffer;

  /** `fingerprint`: the reader's (toolCallCodec.fingerprint); nothing is read here unless it is TRANSCODED_CALL_FINGERPRINT. */
  constructor(fingerprint: Buffer) {
    this.#fingerprint = fingerprint.toString('hex') === TRANSCODED_CALL_FINGERPRINT ? Buffer.from(fingerprint) : Buffer.alloc(0);
  }

  /** Whether messages of the current schema are read here at all. */
  get active(): boolean {
    return this.#fingerprint.length === 8;
  }

  /**
   * The call and its row, or undefined when the message is not the plain
   * case (see the file's head): decode it the general way then. `offset`:
   * the Kafka offset; `kafkaAt`: the message's timestamp, epoch ms.
   */
  transcode(message: Buffer, partition: number, offset: number, kafkaAt: number): TranscodedCall | undefined {
    const fp = this.#fingerprint;
    if (fp.length !== 8 || message.length < HEADER || message[0] !== 0xc3 || message[1] !== 0x01) return undefined;
    for (let i = 0; i < 8; i++) if (message[2 + i] !== fp[i]) return undefined;
    if (!Number.isSafeInteger(offset) || offset < 0 || (partition & 0xffff) !== partition || !Number.isSafeInteger(kafkaAt)) return undefined;
    bytes = message;
    at = HEADER;
    try {
      return this.#read(partition, offset, kafkaAt);
    } finally {
      bytes = EMPTY;
      out = EMPTY;
    }
  }

  #read(partition: number, offset: number, kafkaAt: number): TranscodedCall | undefined {
    if (!readString(EVENT_ID) || !readString(ORG) || !readString(WORKSPACE) || !readString(INSTANCE)) return undefined;
    if (!readString(PLUGIN) || !readString(TOOL) || !readString(ACTOR)) return undefined;
    const source = readLong();
    const startedAt = readLong();
    const emittedAt = readLong();
    const durationUs = readLong();
    const outcome = readLong();
    if (!(source >= 0 && source < SOURCES) || !(outcome >= 0 && outcome < OUTCOMES.length)) return undefined;
    if (Number.isNaN(startedAt) || Number.isNaN(emittedAt) || !(durationUs >= 0)) return undefined;
    if (!readOptional(ERROR_CODE) || !readOptional(ERROR_MESSAGE)) return undefined;
    const tokensIn = readLong();
    const tokensOut = readLong();
    if (!(tokensIn >= 0) || !(tokensOut >= 0)) return undefined;
    if (!readOptional(TRACE_ID) || !readOptional(SPAN_ID)) return undefined;
    const policy = readLong();
    if (!(policy >= 0 && policy < POLICIES) || !readOptional(POLICY_RULE_ID)) return undefined;
    if (at !== bytes.length) return undefined;
    const eventId = length(EVENT_ID);
    if (eventId === 0 || eventId > MAX_LABEL) return undefined;
    const org = label(ORG);
    const workspace = label(WORKSPACE);
    const plugin = label(PLUGIN);
    const tool = label(TOOL);
    if (org === undefined || workspace === undefined || plugin === undefined || tool === undefined) return undefined;

    // The most the row can take: the copied strings with 5-byte lengths, the
    // hash (1 + 64), and the fixed-size columns (62 bytes).
    let size = 62 + 65;
    for (const k of COPIED) size += 5 + length(k);
    if (this.#used + size > this.#slab.length) {
      this.#slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, size));
      this.#used = 0;
    }
    out = this.#slab;
    const start = this.#used;
    w = start;
    // Column order of COLUMNS in insert-tool-invocations.ts.
    copyString(EVENT_ID);
    copyString(ORG);
    copyString(WORKSPACE);
    copyString(INSTANCE);
    copyString(PLUGIN);
    copyString(TOOL);
    copyString(ACTOR);
    out[w++] = source + 1;
    int64(startedAt);
    int64(emittedAt);
    uint64(durationUs);
    out[w++] = outcome + 1;
    copyString(ERROR_CODE);
    errorHash();
    uint64(tokensIn);
    uint64(tokensOut);
    copyString(TRACE_ID);
    copyString(SPAN_ID);
    out[w++] = policy + 1;
    copyString(POLICY_RULE_ID);
    out[w++] = partition & 0xff;
    out[w++] = partition >>> 8;
    uint64(offset);
    out[w++] = 0; // kafka_at is not NULL
    int64(kafkaAt);
    this.#used = w;
    return {
      org,
      workspace,
      plugin,
      tool,
      started_at: startedAt,
      duration_us: durationUs,
      outcome: OUTCOMES[outcome]!,
      tokens_in: tokensIn,
      tokens_out: tokensOut,
      row: out,
      start,
      end: w,
    };
  }
}

const EMPTY = Buffer.alloc(0);
