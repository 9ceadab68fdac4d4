// A real OTLP/HTTP traces receiver for tests: a loopback HTTP server that
// takes POST /v1/traces with a protobuf ExportTraceServiceRequest, decodes it
// with a small protobuf wire-format reader (only the fields tests look at),
// and keeps the spans and the request headers.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type AttributeValue = string | number | boolean | null;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly links: readonly { traceId: string; spanId: string }[];
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly service: string;
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export interface OtlpReceiver {
  /** The traces URL, for an exporter's endpoint. */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      try {
        spans.push(...decodeExportRequest(body));
        requests.push(req.headers);
        // An empty ExportTraceServiceResponse: full success.
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      } catch (e) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(e));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// --- protobuf wire format -------------------------------------------------

interface Field {
  readonly no: number;
  readonly wire: number;
  /** Varint and fixed values as bigint; length-delimited as bytes. */
  readonly value: bigint | Buffer;
}

function* fields(buf: Buffer): Generator<Field> {
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) yield { no, wire, value: varint() };
    else if (wire === 1) {
      yield { no, wire, value: buf.readBigUInt64LE(pos) };
      pos += 8;
    } else if (wire === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw new Error('truncated field');
      yield { no, wire, value: buf.subarray(pos, pos + len) };
      pos += len;
    } else if (wire === 5) {
      yield { no, wire, value: BigInt(buf.readUInt32LE(pos)) };
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

const bytes = (f: Field) => f.value as Buffer;
const text = (f: Field) => bytes(f).toString('utf8');

function decodeAnyValue(buf: Buffer): AttributeValue {
  for (const f of fields(buf)) {
    if (f.no === 1) return text(f);
    if (f.no === 2) return f.value === 1n;
    if (f.no === 3) return Number(BigInt.asIntN(64, f.value as bigint));
    if (f.no === 4) return Buffer.from(new BigUint64Array([f.value as bigint]).buffer).readDoubleLE(0);
  }
  return null;
}

function decodeAttributes(list: Buffer[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list) {
    let key = '';
    let value: AttributeValue = null;
    for (const f of fields(kv)) {
      if (f.no === 1) key = text(f);
      else if (f.no === 2) value = decodeAnyValue(bytes(f));
    }
    out[key] = value;
  }
  return out;
}

function decodeSpan(buf: Buffer, service: string): ReceivedSpan {
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let name = '';
  let kind = 0;
  let statusCode = 0;
  const attrs: Buffer[] = [];
  const links: { traceId: string; spanId: string }[] = [];
  for (const f of fields(buf)) {
    if (f.no === 1) traceId = bytes(f).toString('hex');
    else if (f.no === 2) spanId = bytes(f).toString('hex');
    else if (f.no === 4) parentSpanId = bytes(f).toString('hex');
    else if (f.no === 5) name = text(f);
    else if (f.no === 6) kind = Number(f.value);
    else if (f.no === 9) attrs.push(bytes(f));
    else if (f.no === 13) {
      const link = { traceId: '', spanId: '' };
      for (const g of fields(bytes(f))) {
        if (g.no === 1) link.traceId = bytes(g).toString('hex');
        else if (g.no === 2) link.spanId = bytes(g).toString('hex');
      }
      links.push(link);
    } else if (f.no === 15) {
      for (const g of fields(bytes(f))) if (g.no === 3) statusCode = Number(g.value);
    }
  }
  return { traceId, spanId, parentSpanId, name, kind, attributes: decodeAttributes(attrs), links, statusCode, service };
}

/** ExportTraceServiceRequest → ResourceSpans(1) → Resource(1) / ScopeSpans(2) → Span(2). */
export function decodeExportRequest(buf: Buffer): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of fields(buf)) {
    if (rs.no !== 1) continue;
    let service = '';
    const scopes: Buffer[] = [];
    for (const f of fields(bytes(rs))) {
      if (f.no === 1) {
        const resourceAttrs: Buffer[] = [];
        for (const g of fields(bytes(f))) if (g.no === 1) resourceAttrs.push(bytes(g));
        service = String(decodeAttributes(resourceAttrs)['service.name'] ?? '');
      } else if (f.no === 2) scopes.push(bytes(f));
    }
    for (const scope of scopes) for (const f of fields(scope)) if (f.no === 2) out.push(decodeSpan(bytes(f), service));
  }
  return out;
}
