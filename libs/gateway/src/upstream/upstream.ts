// One upstream MCP server, kept connected: a stdio command (restarted with
// backoff when it exits) or a Streamable HTTP URL (reconnected with backoff
// when it cannot be reached). Its tool list is cached for listing and
// routing and refreshed when the server says it changed.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  McpError,
  ToolListChangedNotificationSchema,
  type Progress,
  type ServerCapabilities,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { AnySchema, SchemaOutput } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { UpstreamConfig } from '../config/gateway-config.ts';
import { GatewayError } from '../errors.ts';
import { upstreamMessage, UpstreamRpcError } from '../proxy/mcp-errors.ts';
import { tracingFetch } from '../trace/outbound-trace.ts';
import { Backoff } from './backoff.ts';
import { HttpUpstreamTransport } from './http-upstream-transport.ts';

export type UpstreamStatus = 'starting' | 'up' | 'down' | 'stopped';

export interface UpstreamEvents {
  /** plugin.started / plugin.crashed / plugin.unreachable / plugin.stopped */
  onLifecycle(server: string, action: string, detail: string | null): void;
  onStatus(server: string, status: UpstreamStatus): void;
  onToolsChanged(server: string): void;
  /** A line the stdio server wrote to stderr. */
  onStderr(server: string, line: string): void;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** Default: the upstream's timeoutMs. */
  readonly timeoutMs?: number;
  readonly onProgress?: (progress: Progress) => void;
}

export class Upstream {
  readonly name: string;
  #status: UpstreamStatus = 'starting';
  #client: Client | null = null;
  #tools: readonly Tool[] = [];
  #capabilities: ServerCapabilities = {};
  #timer: NodeJS.Timeout | null = null;
  #firstAttempt: Promise<void>;
  #settleFirst!: () => void;
  readonly #backoff: Backoff;

  constructor(
    readonly config: UpstreamConfig,
    restart: { initialDelayMs: number; maxDelayMs: number },
    private readonly events: UpstreamEvents,
  ) {
    this.name = config.name;
    this.#backoff = new Backoff(restart.initialDelayMs, restart.maxDelayMs);
    this.#firstAttempt = new Promise((resolve) => (this.#settleFirst = resolve));
  }

  get status(): UpstreamStatus {
    return this.#status;
  }

  /** Tools to list: none while the upstream is not connected. */
  get tools(): readonly Tool[] {
    return this.#status === 'up' ? this.#tools : [];
  }

  /** The tools it had when last connected: a call to one while it is down is an UPSTREAM_UNAVAILABLE call, not an unknown tool. */
  get knownTools(): readonly Tool[] {
    return this.#tools;
  }

  get capabilities(): ServerCapabilities {
    return this.#status === 'up' ? this.#capabilities : {};
  }

  /** Starts connecting; resolves after the first attempt, whether it worked or not. */
  start(): Promise<void> {
    void this.#connect();
    return this.#firstAttempt;
  }

  /** A request to the upstream; SDK errors become GatewayErrors with UPSTREAM_* codes. */
  async request<S extends AnySchema>(method: string, params: Record<string, unknown> | undefined, schema: S, options: RequestOptions = {}): Promise<SchemaOutput<S>> {
    const client = this.#client;
    if (!client || this.#status !== 'up') {
      throw new GatewayError('UPSTREAM_UNAVAILABLE', `upstream ${this.name} is not connected (${this.#status})`);
    }
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs;
    try {
      return await client.request({ method, params } as never, schema, {
        timeout: timeoutMs,
        signal: options.signal,
        maxTotalTimeout: timeoutMs,
        ...(options.onProgress ? { onprogress: options.onProgress } : {}),
      });
    } catch (error) {
      throw this.#classify(error, timeoutMs, options.signal);
    }
  }

  async stop(): Promise<void> {
    const was = this.#status;
    this.#status = 'stopped';
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = null;
    await client?.close().catch(() => undefined);
    if (was === 'up') this.events.onLifecycle(this.name, 'plugin.stopped', null);
    this.events.onStatus(this.name, 'stopped');
  }

  #classify(error: unknown, timeoutMs: number, signal: AbortSignal | undefined): GatewayError {
    if (error instanceof GatewayError) return error;
    if (signal?.aborted) return new GatewayError('UPSTREAM_ERROR', 'the client cancelled the request', { cause: error });
    if (error instanceof McpError) {
      if (error.code === ErrorCode.RequestTimeout) {
        return new GatewayError('UPSTREAM_TIMEOUT', `upstream ${this.name} did not answer within ${timeoutMs} ms`, { cause: error });
      }
      if (error.code === ErrorCode.ConnectionClosed) {
        return new GatewayError('UPSTREAM_CRASHED', `upstream ${this.name} closed the connection during the call`, { cause: error });
      }
      return new UpstreamRpcError(error.code, upstreamMessage(error), error.data);
    }
    // A fetch that failed: the HTTP server is gone; reconnect in the background.
    if (this.config.kind === 'http') this.#lost(`request failed: ${String(error)}`, 'plugin.unreachable');
    return new GatewayError('UPSTREAM_UNAVAILABLE', `upstream ${this.name} could not be reached: ${String(error)}`, { cause: error });
  }

  #transport(): Transport {
    const c = this.config;
    if (c.kind === 'http') {
      const url = new URL(c.url);
      const sdk = new StreamableHTTPClientTransport(url, { requestInit: { headers: { ...c.headers } }, fetch: tracingFetch() });
      return new HttpUpstreamTransport(sdk, { url, headers: { ...c.headers } });
    }
    const transport = new StdioClientTransport({
      command: c.command,
      args: [...c.args],
      env: { ...getDefaultEnvironment(), ...c.env },
      ...(c.cwd ? { cwd: c.cwd } : {}),
      stderr: 'pipe',
    });
    let partial = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.events.onStderr(this.name, line);
    });
    return transport;
  }

  async #connect(): Promise<void> {
    if (this.#status === 'stopped') return;
    const client = new Client({ name: 'mcpg-gateway', version: '0.1.0' }, { capabilities: {} });
    let connected = false;
    client.onclose = () => {
      if (this.#client !== client || this.#status === 'stopped') return;
      this.#lost(connected ? 'the server closed the connection' : 'the connection closed during start-up', 'plugin.crashed');
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      await this.#refreshTools(client).catch(() => undefined);
      this.events.onToolsChanged(this.name);
    });
    this.#client = client;
    try {
      await client.connect(this.#transport(), { timeout: this.config.connectTimeoutMs });
      this.#capabilities = client.getServerCapabilities() ?? {};
      await this.#refreshTools(client);
      connected = true;
    } catch (error) {
      if (this.#client === client) {
        this.#client = null;
        await client.close().catch(() => undefined);
        this.#lost(`could not connect: ${error instanceof Error ? error.message : String(error)}`, 'plugin.unreachable');
      }
      this.#settleFirst();
      return;
    }
    if (this.#client !== client || (this.#status as UpstreamStatus) === 'stopped') return;
    this.#status = 'up';
    this.#backoff.connected();
    this.events.onStatus(this.name, 'up');
    this.events.onLifecycle(this.name, 'plugin.started', null);
    this.events.onToolsChanged(this.name);
    this.#settleFirst();
  }

  async #refreshTools(client: Client): Promise<void> {
    if (!this.#capabilities.tools) {
      this.#tools = [];
      return;
    }
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.config.connectTimeoutMs });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    this.#tools = tools;
  }

  /** The connection is gone: report it once and schedule the next attempt. */
  #lost(detail: string, action: string): void {
    if (this.#status === 'stopped' || this.#timer) return;
    const previous = this.#status;
    const wasUp = previous === 'up';
    this.#status = 'down';
    const client = this.#client;
    this.#client = null;
    void client?.close().catch(() => undefined);
    // Once per outage: an unreachable server retried every few seconds is one event, not hundreds.
    if (previous !== 'down') this.events.onLifecycle(this.name, action, detail);
    this.events.onStatus(this.name, 'down');
    if (wasUp) this.events.onToolsChanged(this.name);
    const delay = this.#backoff.next();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#connect();
    }, delay);
    this.#timer.unref();
  }
}
