// The rollup tiers' rows in RowBinary (ledger/row-binary.ts), for the
// embedded engine's file insert. Their t-digest columns are arrays of floats:
// as JSON every centroid is a number printed by JS and parsed again by the
// engine, on every flush, for every row a flush rewrites.
//
// Column types (schemas/clickhouse 003, 007, 013, 015, 016, 040, 061):
// LowCardinality(String) as a String, DateTime as UInt32 seconds, Date as
// UInt16 days since the epoch, counters UInt64, latency Float64,
// Array(Float64) and Array(UInt64) as a count and the elements.
import { RowBinaryWriter } from '../ledger/row-binary.ts';
import type { RetentionStamp } from '../retention/retention-stamp.ts';
import type { RollupSource } from '@mcpg/rollup';

const DAY_MS = 86_400_000;

/** How a table stores its row's time: DateTime (seconds) or Date (days). */
export type RollupTime = 'datetime' | 'date';

export interface RollupEncoding<R extends RollupSource> {
  /** false for the org-wide tables, which have no label columns. */
  readonly labels: boolean;
  readonly time: RollupTime;
  /** The row's minute, hour or day start, epoch ms. */
  readonly start: (r: R) => number;
  /** The row's values after last_offset, in column order. */
  readonly values: (w: RowBinaryWriter, r: R) => void;
}

const writer = new RowBinaryWriter(1 << 20);

/** The rows in column order: labels, time, partition, chunk_start, last_offset, then `values`, then retention_days when stamped. */
export function encodeRollupRows<R extends RollupSource>(rows: readonly R[], enc: RollupEncoding<R>, stamp?: RetentionStamp): Buffer {
  return writer.encode((w) => writeRows(w, rows, enc, stamp));
}

function writeRows<R extends RollupSource>(w: RowBinaryWriter, rows: readonly R[], enc: RollupEncoding<R>, stamp: RetentionStamp | undefined): void {
  for (const r of rows) {
    w.string(r.org);
    if (enc.labels) {
      w.string(r.workspace);
      w.string(r.plugin);
      w.string(r.tool);
    }
    const start = enc.start(r);
    if (enc.time === 'datetime') w.uint32(Math.floor(start / 1000));
    else w.uint16(Math.floor(start / DAY_MS));
    w.uint16(r.source_partition);
    w.uint64(r.chunk_start);
    w.uint64(r.last_offset);
    enc.values(w, r);
    if (stamp) w.uint16(stamp(r.org));
  }
}

/** Counters and the digest: the columns after last_offset of the minute, hour, day and org-wide tiers. */
export interface DigestValues {
  readonly calls: number;
  readonly errors: number;
  readonly outcomes: { readonly ok: number; readonly error: number; readonly denied: number; readonly timeout: number; readonly cancelled: number };
  readonly tokens_in: number;
  readonly tokens_out: number;
  readonly duration_us_sum: number;
  readonly latency_min_ms: number;
  readonly latency_max_ms: number;
  readonly latency_means: readonly number[];
  readonly latency_weights: readonly number[];
}

export function writeDigestValues(w: RowBinaryWriter, r: DigestValues): void {
  writeCounters(w, r);
  w.float64(r.latency_min_ms);
  w.float64(r.latency_max_ms);
  w.arrayLength(r.latency_means.length);
  for (const m of r.latency_means) w.float64(m);
  w.arrayLength(r.latency_weights.length);
  for (const n of r.latency_weights) w.uint64(n);
}

/** calls … duration_us_sum: the day totals' columns after last_offset. */
export function writeCounters(w: RowBinaryWriter, r: Omit<DigestValues, 'latency_min_ms' | 'latency_max_ms' | 'latency_means' | 'latency_weights'>): void {
  w.uint64(r.calls);
  w.uint64(r.errors);
  w.uint64(r.outcomes.ok);
  w.uint64(r.outcomes.error);
  w.uint64(r.outcomes.denied);
  w.uint64(r.outcomes.timeout);
  w.uint64(r.outcomes.cancelled);
  w.uint64(r.tokens_in);
  w.uint64(r.tokens_out);
  w.uint64(r.duration_us_sum);
}
