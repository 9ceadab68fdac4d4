// The gateway's client transport to a Streamable HTTP upstream. The SDK's
// client transport sends every message through fetch (undici's Request,
// Response and web streams: about two thirds of the gateway's CPU time per
// call to an HTTP upstream, measured), so once the session is initialized its
// requests go out here on node:http with a kept-alive connection instead. The
// answer may be JSON or an SSE stream (progress first), as the specification
// allows. Everything else stays with the SDK's transport: initialize and the
// session id it returns, notifications and responses to the server, the GET
// stream of server-initiated messages, and closing.
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage, type MessageExtraInfo, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { currentTrace } from '../trace/outbound-trace.ts';
import { traceHeadersOf } from '../trace/trace-context.ts';

export interface HttpUpstreamTransportOptions {
  readonly url: URL;
  /** Configured headers of the upstream (e.g. its Authorization). */
  readonly headers: Readonly<Record<string, string>>;
}

export class HttpUpstreamTransport implements Transport {
  readonly #sdk: StreamableHTTPClientTransport;
  readonly #url: URL;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #agent: HttpAgent;
  readonly #request: typeof httpRequest;
  readonly #inFlight = new Set<{ destroy(): void }>();
  #protocolVersion: string | undefined;
  #closed = false;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  constructor(sdk: StreamableHTTPClientTransport, o: HttpUpstreamTransportOptions) {
    this.#sdk = sdk;
    this.#url = o.url;
    this.#headers = o.headers;
    const https = o.url.protocol === 'https:';
    this.#agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.#request = https ? (httpsRequest as typeof httpRequest) : httpRequest;
  }

  get sessionId(): string | undefined {
    return this.#sdk.sessionId;
  }

  async start(): Promise<void> {
    this.#sdk.onmessage = (message: JSONRPCMessage) => this.onmessage?.(message);
    this.#sdk.onerror = (error) => this.onerror?.(error);
    this.#sdk.onclose = () => this.#shut();
    await this.#sdk.start();
  }

  setProtocolVersion(version: string): void {
    this.#protocolVersion = version;
    this.#sdk.setProtocolVersion(version);
  }

  async close(): Promise<void> {
    await this.#sdk.close();
    this.#shut();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    // Until initialize has answered (the protocol version is set then), and for anything but a request, the SDK's transport.
    if (this.#protocolVersion === undefined || options?.resumptionToken || !('method' in message) || !('id' in message) || this.#closed) {
      return this.#sdk.send(message, options);
    }
    const res = await this.#post(message);
    const id = message.id;
    const type = res.headers['content-type'] ?? '';
    if (res.statusCode !== 200 || !(type.startsWith('application/json') || type.startsWith('text/event-stream'))) {
      const text = await readText(res).catch(() => '');
      throw new Error(`Error POSTing to endpoint (HTTP ${res.statusCode}, ${type || 'no content type'}): ${text.slice(0, 500)}`);
    }
    if (type.startsWith('application/json')) {
      readText(res)
        .then((text) => this.#deliver(id, parseMessages(text)))
        .catch((error: unknown) => this.#unanswered(id, error));
    } else {
      this.#readSse(res, id);
    }
  }

  #post(message: JSONRPCMessage): Promise<IncomingMessage> {
    const body = JSON.stringify(message);
    const headers: OutgoingHttpHeaders = {
      ...this.#headers,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'content-length': Buffer.byteLength(body),
      'mcp-protocol-version': this.#protocolVersion,
    };
    const session = this.#sdk.sessionId;
    if (session) headers['mcp-session-id'] = session;
    const trace = currentTrace();
    if (trace) Object.assign(headers, traceHeadersOf(trace));
    return this.#attempt(headers, body, true);
  }

  #attempt(headers: OutgoingHttpHeaders, body: string, retry: boolean): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.#request(this.#url, { method: 'POST', agent: this.#agent, headers }, (res) => {
        this.#inFlight.delete(req);
        this.#inFlight.add(res);
        res.once('close', () => this.#inFlight.delete(res));
        resolve(res);
      });
      this.#inFlight.add(req);
      req.once('error', (error: NodeJS.ErrnoException) => {
        this.#inFlight.delete(req);
        // A kept-alive connection the server closed just as the request went out: once more on a new one.
        if (retry && req.reusedSocket && error.code === 'ECONNRESET' && !this.#closed) resolve(this.#attempt(headers, body, false));
        else reject(error);
      });
      req.end(body);
    });
  }

  /** Messages of one answer; a stream that ended without the answer fails the request instead of leaving it to time out. */
  #deliver(id: RequestId, messages: JSONRPCMessage[]): void {
    let answered = false;
    for (const m of messages) {
      if ('id' in m && m.id === id && !('method' in m)) answered = true;
      this.onmessage?.(m);
    }
    if (!answered) this.#unanswered(id, null);
  }

  #unanswered(id: RequestId, error: unknown): void {
    if (this.#closed) return;
    const why = error ? `: ${String(error)}` : '';
    this.onmessage?.({ jsonrpc: '2.0', id, error: { code: ErrorCode.ConnectionClosed, message: `the upstream ended its answer without a result${why}` } });
  }

  #readSse(res: IncomingMessage, id: RequestId): void {
    res.setEncoding('utf8');
    let buffer = '';
    let answered = false;
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = frameEnd(buffer)) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^(\r?\n){1,2}/, '');
        const data = sseData(frame);
        if (data === null) continue;
        try {
          for (const m of parseMessages(data)) {
            if ('id' in m && m.id === id && !('method' in m)) answered = true;
            this.onmessage?.(m);
          }
        } catch (error) {
          this.onerror?.(error instanceof Error ? error : new Error(String(error)));
        }
      }
    });
    // 'close' comes after 'end', and also when the connection drops mid-stream.
    res.once('close', () => !answered && this.#unanswered(id, res.complete ? null : 'the connection closed'));
  }

  #shut(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#inFlight) r.destroy();
    this.#inFlight.clear();
    this.#agent.destroy();
    this.onclose?.();
  }
}

function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    res.once('close', () => !res.complete && reject(new Error('the connection closed')));
  });
}

function parseMessages(text: string): JSONRPCMessage[] {
  const data = JSON.parse(text) as JSONRPCMessage | JSONRPCMessage[];
  return Array.isArray(data) ? data : [data];
}

/** Where the first complete SSE frame of the buffer ends (before its blank line), or -1. */
function frameEnd(buffer: string): number {
  const lf = buffer.indexOf('\n\n');
  const crlf = buffer.indexOf('\r\n\r\n');
  if (lf < 0) return crlf;
  return crlf < 0 ? lf : Math.min(lf, crlf);
}

/** The data of a `message` event (the default event type), or null for comments, other events and frames without data. */
function sseData(frame: string): string | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of frame.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return event === 'message' && data.length > 0 && data.join('\n').trim() !== '' ? data.join('\n') : null;
}
