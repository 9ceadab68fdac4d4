// Settings of the fold. Each one shapes the rows (keys, guard decisions,
// centroids), so a deployment must keep them fixed for as long as rows
// written with them may be replaced by a replay; changing one means
// rebuilding the rollup tables from the log.
import { DEFAULT_COMPRESSION } from '../digest/centroid-digest.ts';

export interface FoldOptions {
  /**
   * Offsets per chunk. A restarted worker refolds from the start of the chunk
   * holding its committed offset, so this bounds the re-read on restart;
   * larger chunks give fewer rows (one per key, minute and chunk).
   */
  readonly chunkSize?: number;
  /** Distinct (workspace, plugin, tool) sets kept per org within a chunk; the rest become `__other__`. */
  readonly maxLabelSetsPerOrg?: number;
  /** t-digest compression δ. */
  readonly compression?: number;
}

export const DEFAULT_CHUNK_SIZE = 1 << 18;
export const DEFAULT_MAX_LABEL_SETS_PER_ORG = 2_000;

export type ResolvedFoldOptions = Required<FoldOptions>;

export function resolveFoldOptions(o: FoldOptions = {}): ResolvedFoldOptions {
  const resolved = {
    chunkSize: o.chunkSize ?? DEFAULT_CHUNK_SIZE,
    maxLabelSetsPerOrg: o.maxLabelSetsPerOrg ?? DEFAULT_MAX_LABEL_SETS_PER_ORG,
    compression: o.compression ?? DEFAULT_COMPRESSION,
  };
  for (const [name, v] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`fold option ${name} must be a positive integer, got ${v}`);
  }
  return resolved;
}

/** First offset of the chunk holding `offset`: where a restarted worker resumes folding. */
export function chunkStart(offset: number, chunkSize: number = DEFAULT_CHUNK_SIZE): number {
  return offset - (offset % chunkSize);
}
