// POST /mcp — an MCP server (Streamable HTTP, stateless: one server and
// transport per request, so any API instance can answer any request) whose
// tools are the API's own read routes. A tool call is an in-process request
// to the route with the caller's Authorization header, so roles, org scoping,
// validation and answers are exactly those of the HTTP API. Before that, the
// arguments must fit the input schema the tool advertises (tool-arguments.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { sendError } from '../api-errors.ts';
import { registeredRoutes, type RegisteredRoute } from '../route-registry.ts';
import { MCP_TOOLS, toolInputSchema, toolRequestUrl, type McpToolSpec, type ToolInputSchema } from './mcp-tools.ts';
import { compileArgumentCheck, type ArgumentCheck } from './tool-arguments.ts';

export const MCP_PATH = '/mcp';

interface AvailableTool {
  readonly spec: McpToolSpec;
  readonly inputSchema: ToolInputSchema;
  /** Checks a call's arguments against inputSchema (compiled once per route). */
  readonly checkArguments: ArgumentCheck;
}

const compiled = new WeakMap<RegisteredRoute, AvailableTool>();

/** The tools whose route this API serves (verify_ledger only once the ledger routes are registered). */
function availableTools(app: FastifyInstance): AvailableTool[] {
  const routes = registeredRoutes(app);
  return MCP_TOOLS.flatMap((spec) => {
    const route = routes.find((r) => r.method === 'GET' && r.url === spec.url);
    if (!route) return [];
    let tool = compiled.get(route);
    if (!tool) {
      const inputSchema = toolInputSchema(spec, route);
      tool = { spec, inputSchema, checkArguments: compileArgumentCheck(spec.name, inputSchema) };
      compiled.set(route, tool);
    }
    return [tool];
  });
}

async function callTool(app: FastifyInstance, request: FastifyRequest, spec: McpToolSpec, args: Record<string, unknown>): Promise<CallToolResult> {
  const authorization = request.headers.authorization;
  const res = await app.inject({
    method: 'GET',
    url: toolRequestUrl(spec, args),
    headers: { accept: 'application/json', ...(authorization === undefined ? {} : { authorization }) },
  });
  if (res.statusCode >= 400) return { isError: true, content: [{ type: 'text', text: res.body }] };
  const result = spec.render ? spec.render(res.body, args) : JSON.parse(res.body);
  return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result as Record<string, unknown> };
}

function mcpServer(app: FastifyInstance, request: FastifyRequest): Server {
  const server = new Server({ name: 'mcpg', version: '1' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: availableTools(app).map(({ spec, inputSchema }) => ({ name: spec.name, description: spec.description, inputSchema })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (call) => {
    const tool = availableTools(app).find((t) => t.spec.name === call.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool ${JSON.stringify(call.params.name)}`);
    const args = call.params.arguments ?? {};
    tool.checkArguments(args);
    return callTool(app, request, tool.spec, args);
  });
  return server;
}

/** `root` is the API instance whose routes become tools (the registry is kept per root). */
export function mcpRoutes(api: FastifyInstance, root: FastifyInstance): void {
  const app = root;
  api.post(
    MCP_PATH,
    {
      config: { role: 'authenticated' },
      schema: { summary: 'MCP server (Streamable HTTP): tools search_audit, tool_metrics, token_usage, verify_ledger', tags: ['mcp'], hide: true },
    },
    async (request, reply) => {
      const server = mcpServer(app, request);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      reply.hijack();
      await transport.handleRequest(request.raw, reply.raw, request.body);
    },
  );
  // Stateless: no server-initiated stream and no session to end.
  for (const method of ['GET', 'DELETE'] as const) {
    api.route({
      method,
      url: MCP_PATH,
      config: { role: 'authenticated' },
      schema: { hide: true },
      handler: async (_request, reply) => sendError(reply.header('allow', 'POST'), 'BAD_REQUEST', 'this MCP endpoint is stateless: send requests with POST', undefined, 405),
    });
  }
}
