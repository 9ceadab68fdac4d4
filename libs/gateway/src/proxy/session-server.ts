// The MCP server one client session talks to: tools/call goes through the
// ToolCallHandler; listings and resources/prompts are answered from the
// upstream pool. Identity comes from the front (HTTP: the API key of each
// request; stdio: the configured local identity).
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type Progress,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { GatewayError } from '../errors.ts';
import type { Identity } from '../identity.ts';
import type { UpstreamPool } from '../upstream/upstream-pool.ts';
import { toRpcError } from './mcp-errors.ts';
import type { ToolCallHandler } from './tool-call-handler.ts';

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface SessionDeps {
  readonly pool: UpstreamPool;
  readonly calls: ToolCallHandler;
  /** The caller of a request; null means unauthenticated (the front should not let that happen). */
  readonly identityOf: (extra: Extra) => Identity | null;
  readonly session: (extra: Extra) => string;
}

export const GATEWAY_INFO = { name: 'mcpg-gateway', version: '0.1.0' };

export function createSessionServer(d: SessionDeps): Server {
  const server = new Server(GATEWAY_INFO, {
    capabilities: { tools: { listChanged: true }, resources: {}, prompts: {} },
    instructions: 'mcpg gateway: tools of every upstream server are listed as server__tool.',
  });
  const identity = (extra: Extra): Identity => {
    const id = d.identityOf(extra);
    if (!id) throw toRpcError(new GatewayError('UNAUTHENTICATED', 'missing or unknown API key'));
    return id;
  };
  const passThrough = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw error instanceof GatewayError ? toRpcError(error) : error;
    }
  };

  server.setRequestHandler(ListToolsRequestSchema, (_req, extra) => {
    identity(extra);
    return { tools: d.pool.listTools() };
  });
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const progressToken = req.params._meta?.progressToken;
    // Progress is sent before the answer: once the answer is out, the call's stream is closed.
    const sending: Promise<unknown>[] = [];
    const onProgress = (p: Progress) => {
      sending.push(extra.sendNotification({ method: 'notifications/progress', params: { ...p, progressToken: progressToken! } }).catch(() => undefined));
    };
    try {
      return await d.calls.call(req.params, {
        identity: identity(extra),
        session: d.session(extra),
        requestId: extra.requestId,
        headers: extra.requestInfo?.headers,
        signal: extra.signal,
        ...(progressToken === undefined ? {} : { onProgress }),
      });
    } finally {
      await Promise.all(sending);
    }
  });
  server.setRequestHandler(ListResourcesRequestSchema, async (_req, extra) => {
    identity(extra);
    return { resources: await d.pool.listResources() };
  });
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async (_req, extra) => {
    identity(extra);
    return { resourceTemplates: await d.pool.listResourceTemplates() };
  });
  server.setRequestHandler(ReadResourceRequestSchema, (req, extra) => {
    identity(extra);
    return passThrough(() => d.pool.readResource(req.params.uri, req.params._meta));
  });
  server.setRequestHandler(ListPromptsRequestSchema, async (_req, extra) => {
    identity(extra);
    return { prompts: await d.pool.listPrompts() };
  });
  server.setRequestHandler(GetPromptRequestSchema, (req, extra) => {
    identity(extra);
    return passThrough(() => d.pool.getPrompt(req.params.name, req.params.arguments, req.params._meta));
  });
  return server;
}
