// The transport of one HTTP client session. The SDK's Streamable HTTP
// transport goes through web-standard Request/Response objects for every
// message (a third of the gateway's busy time per call, measured), so the
// common case is answered here on Node's own request and response: a POST
// with the session's id carrying one JSON-RPC request. Its answer is a JSON
// body, or an SSE stream once the request has something to send before it
// (progress, a keep-alive on a long call) — both are Streamable HTTP answers
// a client must accept. Everything else (initialize, GET streams, DELETE,
// batches, responses and notifications from the client, requests the checks
// below do not pass) goes to the SDK's transport, which answers it exactly
// as before.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES } from '../request-limits.ts';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage, type MessageExtraInfo, type RequestId } from '@modelcontextprotocol/sdk/types.js';

/** As the SDK's transport: a comment frame on an SSE answer this often, so idle proxies keep the connection. */
export const SSE_KEEP_ALIVE_MS = 15_000;

export interface SessionTransportOptions {
  readonly sessionIdGenerator: () => string;
  readonly onsessioninitialized: (sessionId: string) => void;
  readonly keepAliveMs?: number;
}

/** A request being answered on the fast path. */
interface Pending {
  readonly res: ServerResponse;
  /** Headers sent as an SSE stream (something went out before the answer). */
  streaming: boolean;
  timer: NodeJS.Timeout | null;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' };

export class SessionTransport implements Transport {
  readonly #sdk: StreamableHTTPServerTransport;
  readonly #pending = new Map<RequestId, Pending>();
  readonly #keepAliveMs: number;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  constructor(o: SessionTransportOptions) {
    this.#keepAliveMs = o.keepAliveMs ?? SSE_KEEP_ALIVE_MS;
    this.#sdk = new StreamableHTTPServerTransport({ sessionIdGenerator: o.sessionIdGenerator, onsessioninitialized: o.onsessioninitialized, keepAliveMs: this.#keepAliveMs });
  }

  get sessionId(): string | undefined {
    return this.#sdk.sessionId;
  }

  async start(): Promise<void> {
    this.#sdk.onmessage = (message, extra) => this.onmessage?.(message, extra);
    this.#sdk.onerror = (error) => this.onerror?.(error);
    this.#sdk.onclose = () => {
      for (const p of this.#pending.values()) this.#release(p, true);
      this.#pending.clear();
      this.onclose?.();
    };
    await this.#sdk.start();
  }

  close(): Promise<void> {
    return this.#sdk.close();
  }

  /** Any request of this session (or the initialize that opens it): the fast path when it qualifies, else the SDK's transport. */
  async handleRequest(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !this.sessionId || !fastPathHeaders(req)) return this.#sdk.handleRequest(req, res);
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) return jsonError(res, 413, -32000, `Payload Too Large: Request body must not exceed ${MAX_BODY_BYTES} bytes`);
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      return jsonError(res, 400, -32700, 'Parse error: Invalid JSON');
    }
    if (!isPlainRequest(message) || this.#pending.has(message.id)) return this.#sdk.handleRequest(req, res, message);
    const pending: Pending = { res, streaming: false, timer: null };
    pending.timer = setTimeout(() => this.#keepAlive(pending), this.#keepAliveMs);
    pending.timer.unref();
    this.#pending.set(message.id, pending);
    const headers = req.headers;
    this.onmessage?.(message, {
      authInfo: req.auth,
      requestInfo: {
        headers,
        // Nothing in the gateway reads it: built only when asked for.
        get url() {
          return new URL(req.url ?? '/', `http://${headers.host ?? 'localhost'}`);
        },
      },
    });
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const response = isResponse(message);
    const id = response ? (message as { id: RequestId }).id : options?.relatedRequestId;
    const pending = id === undefined ? undefined : this.#pending.get(id);
    if (!pending) return this.#sdk.send(message, options);
    const { res } = pending;
    if (response) {
      this.#pending.delete(id!);
      this.#release(pending, false);
      if (res.destroyed) return;
      if (pending.streaming) {
        res.end(sseEvent(message));
      } else {
        const text = JSON.stringify(message);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'mcp-session-id': this.sessionId! });
        res.end(text);
      }
      return;
    }
    // A notification or request that belongs to the call: it goes out before the answer, on an SSE stream.
    if (res.destroyed) return;
    this.#stream(pending);
    res.write(sseEvent(message));
  }

  #stream(p: Pending): void {
    if (p.streaming) return;
    p.streaming = true;
    p.res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': this.sessionId! });
  }

  #keepAlive(p: Pending): void {
    if (p.res.destroyed) return;
    this.#stream(p);
    p.res.write(': keepalive\n\n');
    p.timer = setTimeout(() => this.#keepAlive(p), this.#keepAliveMs);
    p.timer.unref();
  }

  /** Stops the keep-alive; on close, also ends the stream (the client then sees the answer will not come). */
  #release(p: Pending, end: boolean): void {
    if (p.timer) clearTimeout(p.timer);
    p.timer = null;
    if (end && !p.res.destroyed) {
      if (p.res.headersSent) p.res.end();
      else jsonError(p.res, 404, -32001, 'Session not found');
    }
  }
}

/** The headers the SDK's transport would accept for a POST after initialization; anything else it answers itself. */
function fastPathHeaders(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  const type = req.headers['content-type'];
  const version = req.headers['mcp-protocol-version'];
  return (
    accept !== undefined &&
    accept.includes('application/json') &&
    accept.includes('text/event-stream') &&
    (type === 'application/json' || type?.toLowerCase().startsWith('application/json;') === true) &&
    (version === undefined || (typeof version === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(version)))
  );
}

/** One JSON-RPC request other than initialize (which only the SDK's transport may open a session with). */
function isPlainRequest(m: unknown): m is JSONRPCMessage & { id: RequestId; method: string } {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
  const r = m as Record<string, unknown>;
  const params = r.params;
  return (
    r.jsonrpc === '2.0' &&
    typeof r.method === 'string' &&
    r.method !== 'initialize' &&
    (typeof r.id === 'string' || Number.isInteger(r.id)) &&
    (params === undefined || (typeof params === 'object' && params !== null && !Array.isArray(params)))
  );
}

function isResponse(m: JSONRPCMessage): boolean {
  return !('method' in m) && 'id' in m && ('result' in m || 'error' in m);
}

function sseEvent(message: JSONRPCMessage): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

/** The body as text, or null once it is over `max` bytes (declared or received). */
function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  if (Number(req.headers['content-length']) > max) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Over the cap, the rest is read and dropped so the 413 can still be sent on this connection.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.once('end', () => resolve(size > max ? null : chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function jsonError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
