// One Kafka message waiting to be produced, and its framing in the disk
// spool: [u32 length][u32 crc32][payload], payload = topic, key, headers
// (length-prefixed) and the Avro value. The CRC finds a torn tail after a
// crash; everything before it is kept.
import { crc32 } from 'node:zlib';

export interface OutboxRecord {
  readonly topic: string;
  /** The org: all of an org's events in one partition, in order. */
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

const FRAME_HEADER = 8;

export function encodeRecord(r: OutboxRecord): Buffer {
  const topic = Buffer.from(r.topic, 'utf8');
  const key = Buffer.from(r.key, 'utf8');
  const headers = Buffer.from(JSON.stringify(r.headers), 'utf8');
  const payloadLength = 2 + topic.length + 2 + key.length + 4 + headers.length + r.value.length;
  const out = Buffer.allocUnsafe(FRAME_HEADER + payloadLength);
  out.writeUInt32BE(payloadLength, 0);
  let at = FRAME_HEADER;
  at = out.writeUInt16BE(topic.length, at);
  at += topic.copy(out, at);
  at = out.writeUInt16BE(key.length, at);
  at += key.copy(out, at);
  at = out.writeUInt32BE(headers.length, at);
  at += headers.copy(out, at);
  r.value.copy(out, at);
  out.writeUInt32BE(crc32(out.subarray(FRAME_HEADER)), 4);
  return out;
}

/** Every whole, intact record of a segment; `intactBytes` is where a torn tail starts. */
export function decodeRecords(buf: Buffer): { records: OutboxRecord[]; intactBytes: number } {
  const records: OutboxRecord[] = [];
  let at = 0;
  while (at + FRAME_HEADER <= buf.length) {
    const length = buf.readUInt32BE(at);
    const end = at + FRAME_HEADER + length;
    if (end > buf.length) break;
    const payload = buf.subarray(at + FRAME_HEADER, end);
    if (crc32(payload) !== buf.readUInt32BE(at + 4)) break;
    let p = 0;
    const topicLength = payload.readUInt16BE(p);
    const topic = payload.toString('utf8', (p += 2), (p += topicLength));
    const keyLength = payload.readUInt16BE(p);
    const key = payload.toString('utf8', (p += 2), (p += keyLength));
    const headersLength = payload.readUInt32BE(p);
    const headers = JSON.parse(payload.toString('utf8', (p += 4), (p += headersLength))) as Record<string, string>;
    records.push({ topic, key, headers, value: Buffer.from(payload.subarray(p)) });
    at = end;
  }
  return { records, intactBytes: at };
}
