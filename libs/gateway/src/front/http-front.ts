// Clients over Streamable HTTP. Every request must carry an API key
// (`Authorization: Bearer <key>` or `X-Api-Key`); a session is bound to the
// key that opened it. Each session's transport (session-transport.ts) answers
// plain requests itself and hands the rest of the protocol to the SDK's
// transport: initialize, SSE streams, DELETE, batches and malformed input.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Logger } from '@mcpg/telemetry';
import { keyFromHeaders, type Authenticator, type Identity } from '../identity.ts';
import { JSONRPC_CODES } from '../proxy/mcp-errors.ts';
import { SessionTransport } from './session-transport.ts';

export interface HttpFrontOptions {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly sessionIdleMs: number;
  readonly authenticate: Authenticator;
  /** A new MCP server for a new session. */
  readonly newServer: () => Server;
  readonly onSessions: (delta: number) => void;
  /** A request without a known API key was refused (the presented key itself is never passed on). */
  readonly onUnauthenticated: (reason: 'missing' | 'unknown') => void;
  readonly log: Logger;
}

export interface HttpFront {
  readonly url: string;
  /** Tells every session the tool list changed. */
  toolsChanged(): void;
  close(): Promise<void>;
}

interface Session {
  readonly transport: SessionTransport;
  readonly server: Server;
  readonly keyId: string;
  lastSeen: number;
}

/** Identity travels to request handlers as the SDK's AuthInfo. */
export function identityFromAuth(extra: { authInfo?: { extra?: Record<string, unknown> } }): Identity | null {
  return (extra.authInfo?.extra?.identity as Identity | undefined) ?? null;
}

export async function startHttpFront(o: HttpFrontOptions): Promise<HttpFront> {
  const sessions = new Map<string, Session>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if ((req.url ?? '').split('?')[0] !== o.path) return void jsonError(res, 404, -32601, `not found; the MCP endpoint is ${o.path}`);
    const presented = keyFromHeaders(req.headers);
    const identity = o.authenticate(presented);
    if (!identity) {
      o.onUnauthenticated(presented === undefined ? 'missing' : 'unknown');
      res.setHeader('www-authenticate', 'Bearer');
      return void jsonError(res, 401, JSONRPC_CODES.UNAUTHENTICATED, 'missing or unknown API key (send Authorization: Bearer <key>)', 'UNAUTHENTICATED');
    }
    (req as IncomingMessage & { auth?: unknown }).auth = { token: identity.keyId, clientId: identity.keyId, scopes: [], extra: { identity } };

    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) return void jsonError(res, 404, -32001, 'unknown or expired session; initialize a new one');
      if (session.keyId !== identity.keyId) return void jsonError(res, 403, JSONRPC_CODES.UNAUTHENTICATED, 'this session belongs to another API key', 'UNAUTHENTICATED');
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res);
    }

    // No session yet: only an initialize request may open one (the transport answers anything else with an error).
    const server = o.newServer();
    const transport: SessionTransport = new SessionTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, keyId: identity.keyId, lastSeen: Date.now() });
        o.onSessions(1);
      },
    });
    transport.onclose = () => {
      const id = transport.sessionId;
      if (id && sessions.delete(id)) o.onSessions(-1);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res);
    if (!transport.sessionId) await server.close();
  };

  const http: HttpServer = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      o.log.error({ err: String(error) }, 'MCP request failed');
      if (!res.headersSent) jsonError(res, 500, -32603, 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port, o.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const sweep = setInterval(() => {
    const cutoff = Date.now() - o.sessionIdleMs;
    for (const s of sessions.values()) if (s.lastSeen < cutoff) void s.server.close().catch(() => undefined);
  }, Math.min(60_000, o.sessionIdleMs));
  sweep.unref();
  return {
    url: `http://${o.host}:${port}${o.path}`,
    toolsChanged() {
      for (const s of sessions.values()) void s.server.sendToolListChanged().catch(() => undefined);
    },
    async close() {
      clearInterval(sweep);
      await Promise.all([...sessions.values()].map((s) => s.server.close().catch(() => undefined)));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function jsonError(res: ServerResponse, status: number, code: number, message: string, gatewayCode?: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message, ...(gatewayCode ? { data: { code: gatewayCode } } : {}) } }));
}
