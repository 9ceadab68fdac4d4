#!/usr/bin/env node
// A small MCP server over stdio that the example gateway configuration
// (gateway.yaml beside this file) proxies, so a fresh docker compose stack has
// tools to call. Plain JavaScript on the SDK the image already ships: no build
// step, no extra packages. Replace it with your real upstreams.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const MAX_SLEEP_MS = 5_000;

const tools = [
  {
    name: 'now',
    description: 'The current time as an ISO 8601 UTC string',
    inputSchema: { type: 'object', properties: {} },
  },
  {
    name: 'echo',
    description: 'Returns the text it was given',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  },
  {
    name: 'sleep',
    description: `Waits ms milliseconds (at most ${MAX_SLEEP_MS}), then answers: a slow tool for latency dashboards`,
    inputSchema: { type: 'object', properties: { ms: { type: 'number', minimum: 0, maximum: MAX_SLEEP_MS } }, required: ['ms'] },
  },
];

const text = (t, isError = false) => ({ content: [{ type: 'text', text: t }], ...(isError ? { isError: true } : {}) });

const server = new Server({ name: 'mcpg-example', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const args = request.params.arguments ?? {};
  switch (request.params.name) {
    case 'now':
      return text(new Date().toISOString());
    case 'echo':
      return typeof args.text === 'string' ? text(args.text) : text('echo needs a text argument (a string)', true);
    case 'sleep': {
      const ms = Number(args.ms);
      if (!Number.isFinite(ms) || ms < 0 || ms > MAX_SLEEP_MS) return text(`sleep needs ms between 0 and ${MAX_SLEEP_MS}`, true);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return text(`slept ${ms} ms`);
    }
    default:
      return text(`unknown tool ${request.params.name}`, true);
  }
});

await server.connect(new StdioServerTransport());
