// The disk spool: where events wait while Kafka is down or slow. Records are
// appended to the open segment (`<seq>.open`); a full segment is sealed as
// `<seq>.<records>.seg`, so its record count is known without reading it.
// The drainer takes the oldest segment whole and deletes it once Kafka has
// it; as its batches go out it records how many records Kafka has in a small
// `<seq>.<records>.sent` file beside it, so after a crash only the batch in
// flight is sent again, not the whole segment (duplicates would be harmless,
// event ids are idempotent, but a 16 MiB segment is ~40k events). Segments written in front (`putFront`) get a lower sequence number:
// that is how a batch that was in flight at shutdown keeps its place.
//
// The size cap counts every byte on disk or about to be. When a record does
// not fit, `drop-oldest` deletes the oldest sealed segment not being drained,
// `drop-newest` refuses the new record; every dropped record is counted.
import { mkdir, open, readdir, readFile, rename, stat, truncate, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpoolFsync, SpoolOverflow } from '../config/gateway-config.ts';
import { GatewayError } from '../errors.ts';
import { decodeRecords, encodeRecord, type OutboxRecord } from './outbox-record.ts';

export interface SpoolOptions {
  readonly dir: string;
  readonly maxBytes: number;
  readonly segmentBytes: number;
  readonly overflow: SpoolOverflow;
  readonly fsync: SpoolFsync;
  readonly fsyncIntervalMs: number;
  /** Called with how many records were dropped (never with 0). */
  readonly onDropped?: (count: number, reason: SpoolOverflow) => void;
  /** Called when a write fails; the records of that write are counted as dropped. */
  readonly onError?: (error: GatewayError) => void;
}

interface Segment {
  seq: number;
  records: number;
  bytes: number;
  taken: boolean;
}

interface ActiveSegment {
  readonly seq: number;
  readonly handle: FileHandle;
  records: number;
  bytes: number;
}

/** A segment handed to the drainer; `release` deletes it once its records are in Kafka. */
export interface TakenSegment {
  readonly records: readonly OutboxRecord[];
  /** How many of the records, from the start, Kafka already had when the segment was taken. */
  readonly sent: number;
  /** Records that the first `count` records are in Kafka (not synced: a lost mark only means sending more again). */
  markSent(count: number): Promise<void>;
  release(): Promise<void>;
}

const FIRST_SEQ = 1_000_000_000;
const pad = (seq: number) => String(seq).padStart(12, '0');

export class DiskSpool {
  readonly #o: SpoolOptions;
  /** Sealed segments, oldest first. */
  readonly #sealed: Segment[] = [];
  #active: ActiveSegment | null = null;
  #nextSeq = FIRST_SEQ;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #pendingRecords = 0;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  private constructor(options: SpoolOptions) {
    this.#o = options;
  }

  /** Opens the directory, sealing a segment a crash left open (a torn last record is cut off). */
  static async open(options: SpoolOptions): Promise<DiskSpool> {
    const spool = new DiskSpool(options);
    try {
      await mkdir(options.dir, { recursive: true });
      await spool.#recover();
    } catch (cause) {
      throw new GatewayError('SPOOL_IO', `cannot open the event spool in ${options.dir}: ${String(cause)}`, { cause });
    }
    if (options.fsync === 'interval') {
      spool.#timer = setInterval(() => void spool.#syncIfDirty(), options.fsyncIntervalMs);
      spool.#timer.unref();
    }
    return spool;
  }

  /** Records on disk or being written (including a segment being drained). */
  get records(): number {
    return this.#sealed.reduce((n, s) => n + s.records, 0) + (this.#active?.records ?? 0) + this.#pendingRecords;
  }

  get bytes(): number {
    return this.#sealed.reduce((n, s) => n + s.bytes, 0) + (this.#active?.bytes ?? 0) + this.#pendingBytes;
  }

  get isEmpty(): boolean {
    return this.records === 0;
  }

  /** Queues records for the open segment; never waits. Returns how many were dropped to respect the cap. */
  append(records: readonly OutboxRecord[]): number {
    let dropped = 0;
    for (const record of records) {
      const frame = encodeRecord(record);
      if (!this.#makeRoom(frame.length)) {
        dropped++;
        continue;
      }
      this.#pending.push(frame);
      this.#pendingBytes += frame.length;
      this.#pendingRecords++;
    }
    if (dropped > 0) this.#o.onDropped?.(dropped, 'drop-newest');
    if (this.#pending.length > 0) void this.#serial(() => this.#writePending());
    return dropped;
  }

  /** Writes records as a segment older than every other one. */
  putFront(records: readonly OutboxRecord[]): Promise<void> {
    return this.#serial(() => this.#putFront(records));
  }

  async #putFront(records: readonly OutboxRecord[]): Promise<void> {
    if (records.length === 0) return;
    const frames = records.map(encodeRecord);
    const bytes = frames.reduce((n, f) => n + f.length, 0);
    const seq = Math.min(this.#sealed[0]?.seq ?? this.#nextSeq, this.#active?.seq ?? this.#nextSeq) - 1;
    const handle = await open(join(this.#o.dir, `${pad(seq)}.${records.length}.seg`), 'w');
    try {
      await handle.writev(frames);
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.#sealed.unshift({ seq, records: records.length, bytes, taken: false });
  }

  /** The oldest segment's records (sealing the open one if it is all there is), or null when empty. */
  takeOldest(): Promise<TakenSegment | null> {
    return this.#serial(() => this.#takeOldest());
  }

  async #takeOldest(): Promise<TakenSegment | null> {
    let segment = this.#sealed.find((s) => !s.taken);
    if (!segment && this.#active && this.#active.records > 0) {
      await this.#seal();
      segment = this.#sealed.find((s) => !s.taken);
    }
    if (!segment) return null;
    segment.taken = true;
    const taken = segment;
    const file = this.#fileOf(taken);
    const mark = sentFileOf(file);
    const { records } = decodeRecords(await readFile(file));
    const sent = Math.min(records.length, Math.max(0, Number.parseInt(await readFile(mark, 'utf8').catch(() => '0'), 10) || 0));
    return {
      records,
      sent,
      markSent: (count) => writeFile(mark, String(count)).catch(() => undefined),
      release: async () => {
        const at = this.#sealed.indexOf(taken);
        if (at >= 0) this.#sealed.splice(at, 1);
        await unlink(file).catch(() => undefined);
        await unlink(mark).catch(() => undefined);
      },
    };
  }

  /** Waits for queued writes, syncs, closes the open segment (kept as is for the next start). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#serial(() => this.#closeActive());
  }

  async #closeActive(): Promise<void> {
    if (this.#active) {
      await this.#active.handle.sync().catch(() => undefined);
      await this.#active.handle.close();
      await this.#sealFile(this.#active.seq, this.#active.records);
      this.#active = null;
    }
  }

  /** Waits until everything appended so far is written (and synced when fsync is `always`). */
  flushed(): Promise<void> {
    return this.#writing;
  }

  /** Runs fn after every write and operation queued before it (one at a time, in order). */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#writing.then(fn);
    this.#writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  #fileOf(s: Segment): string {
    return join(this.#o.dir, `${pad(s.seq)}.${s.records}.seg`);
  }

  #makeRoom(bytes: number): boolean {
    while (this.bytes + bytes > this.#o.maxBytes) {
      if (this.#o.overflow === 'drop-newest') return false;
      const victim = this.#sealed.find((s) => !s.taken);
      if (!victim) return false;
      this.#sealed.splice(this.#sealed.indexOf(victim), 1);
      void unlink(this.#fileOf(victim)).catch(() => undefined);
      void unlink(sentFileOf(this.#fileOf(victim))).catch(() => undefined);
      this.#o.onDropped?.(victim.records, 'drop-oldest');
    }
    return true;
  }

  async #writePending(): Promise<void> {
    while (this.#pending.length > 0) {
      // Fill the open segment up to segmentBytes (at least one record), then seal it:
      // segments stay near their size, which is what drop-oldest drops at a time.
      let active: ActiveSegment;
      try {
        active = await this.#activeSegment();
      } catch (cause) {
        this.#failPending(cause);
        return;
      }
      let take = 0;
      let bytes = 0;
      while (take < this.#pending.length && (take === 0 || active.bytes + bytes + this.#pending[take]!.length <= this.#o.segmentBytes)) {
        bytes += this.#pending[take]!.length;
        take++;
      }
      const frames = this.#pending.splice(0, take);
      this.#pendingBytes -= bytes;
      this.#pendingRecords -= take;
      // Accounted to the segment before the write, so bytes never under-counts.
      active.bytes += bytes;
      active.records += take;
      try {
        await active.handle.writev(frames);
        if (this.#o.fsync === 'always') await active.handle.sync();
        else this.#dirty = true;
        if (active.bytes >= this.#o.segmentBytes) await this.#seal();
      } catch (cause) {
        const error = new GatewayError('SPOOL_IO', `writing ${take} event(s) to the spool failed: ${String(cause)}`, { cause });
        this.#o.onError?.(error);
        this.#o.onDropped?.(take, this.#o.overflow);
      }
    }
  }

  #failPending(cause: unknown): void {
    const records = this.#pendingRecords;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#pendingRecords = 0;
    this.#o.onError?.(new GatewayError('SPOOL_IO', `opening a spool segment failed: ${String(cause)}`, { cause }));
    this.#o.onDropped?.(records, this.#o.overflow);
  }

  async #activeSegment(): Promise<ActiveSegment> {
    if (!this.#active) {
      const seq = this.#nextSeq++;
      const handle = await open(join(this.#o.dir, `${pad(seq)}.open`), 'a');
      this.#active = { seq, handle, records: 0, bytes: 0 };
    }
    return this.#active;
  }

  async #seal(): Promise<void> {
    const active = this.#active;
    if (!active) return;
    this.#active = null;
    if (this.#o.fsync !== 'never') await active.handle.sync();
    await active.handle.close();
    await this.#sealFile(active.seq, active.records);
    this.#sealed.push({ seq: active.seq, records: active.records, bytes: active.bytes, taken: false });
  }

  async #sealFile(seq: number, records: number): Promise<void> {
    const from = join(this.#o.dir, `${pad(seq)}.open`);
    if (records === 0) await unlink(from).catch(() => undefined);
    else await rename(from, join(this.#o.dir, `${pad(seq)}.${records}.seg`));
  }

  async #syncIfDirty(): Promise<void> {
    if (!this.#dirty || !this.#active) return;
    this.#dirty = false;
    await this.#active.handle.sync().catch(() => undefined);
  }

  async #recover(): Promise<void> {
    const names = (await readdir(this.#o.dir)).sort();
    for (const name of names) {
      const open = /^(\d{12})\.open$/.exec(name);
      if (open) {
        const file = join(this.#o.dir, name);
        const buf = await readFile(file);
        const { records, intactBytes } = decodeRecords(buf);
        if (intactBytes < buf.length) await truncate(file, intactBytes);
        await this.#sealFile(Number(open[1]), records.length);
        if (records.length > 0) this.#sealed.push({ seq: Number(open[1]), records: records.length, bytes: intactBytes, taken: false });
        continue;
      }
      // A mark whose segment is gone (a crash between the two deletes) is dropped.
      const mark = /^(\d{12}\.\d+)\.sent$/.exec(name);
      if (mark && !names.includes(`${mark[1]}.seg`)) await unlink(join(this.#o.dir, name)).catch(() => undefined);
      const sealed = /^(\d{12})\.(\d+)\.seg$/.exec(name);
      if (sealed) {
        const { size } = await stat(join(this.#o.dir, name));
        this.#sealed.push({ seq: Number(sealed[1]), records: Number(sealed[2]), bytes: size, taken: false });
      }
    }
    this.#sealed.sort((a, b) => a.seq - b.seq);
    const last = this.#sealed.at(-1);
    if (last) this.#nextSeq = Math.max(this.#nextSeq, last.seq + 1);
  }
}

function sentFileOf(segmentFile: string): string {
  return segmentFile.replace(/\.seg$/, '.sent');
}
