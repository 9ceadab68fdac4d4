// All upstreams of the gateway: tools listed under `server__tool` names,
// prompts under `server__prompt`, resources by URI (each routed back to the
// upstream that listed it).
import {
  GetPromptResultSchema,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ReadResourceResultSchema,
  type GetPromptResult,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { UpstreamConfig } from '../config/gateway-config.ts';
import { GatewayError } from '../errors.ts';
import { namespaced, splitToolName } from '../proxy/tool-names.ts';
import { Upstream, type UpstreamEvents } from './upstream.ts';

export class UpstreamPool {
  readonly #byName = new Map<string, Upstream>();
  /** Which upstream listed a resource URI (filled by listResources). */
  readonly #resourceOwner = new Map<string, string>();

  constructor(configs: readonly UpstreamConfig[], restart: { initialDelayMs: number; maxDelayMs: number }, events: UpstreamEvents) {
    for (const c of configs) this.#byName.set(c.name, new Upstream(c, restart, events));
  }

  get upstreams(): readonly Upstream[] {
    return [...this.#byName.values()];
  }

  get(name: string): Upstream | undefined {
    return this.#byName.get(name);
  }

  /** Resolves once every upstream has made its first connection attempt. */
  async start(): Promise<void> {
    await Promise.all(this.upstreams.map((u) => u.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.upstreams.map((u) => u.stop()));
  }

  /** Tools of every connected upstream, renamed `server__tool`. */
  listTools(): Tool[] {
    return this.upstreams.flatMap((u) => u.tools.map((t) => ({ ...t, name: namespaced(u.name, t.name) })));
  }

  /** The upstream and its tool for a namespaced name (also while that upstream is down), or null when none has it. */
  resolveTool(name: string): { upstream: Upstream; tool: string } | null {
    const parts = splitToolName(name);
    if (!parts) return null;
    const upstream = this.#byName.get(parts.server);
    if (!upstream || !upstream.knownTools.some((t) => t.name === parts.tool)) return null;
    return { upstream, tool: parts.tool };
  }

  /** Whether the server part names a configured upstream (down or not). */
  knowsServer(name: string): Upstream | null {
    const parts = splitToolName(name);
    return parts ? (this.#byName.get(parts.server) ?? null) : null;
  }

  async listResources(): Promise<Resource[]> {
    const lists = await Promise.all(
      this.#offering('resources').map(async (u) => {
        const { resources } = await u.request('resources/list', undefined, ListResourcesResultSchema).catch(() => ({ resources: [] as Resource[] }));
        for (const r of resources) this.#resourceOwner.set(r.uri, u.name);
        return resources;
      }),
    );
    return lists.flat();
  }

  async listResourceTemplates(): Promise<ResourceTemplate[]> {
    const lists = await Promise.all(
      this.#offering('resources').map((u) =>
        u.request('resources/templates/list', undefined, ListResourceTemplatesResultSchema).then(
          (r) => r.resourceTemplates,
          () => [] as ResourceTemplate[],
        ),
      ),
    );
    return lists.flat();
  }

  /** Reads from the upstream that listed the URI; an unlisted URI is tried on each upstream with resources. */
  async readResource(uri: string, meta: Record<string, unknown> | undefined): Promise<ReadResourceResult> {
    const params = { uri, ...(meta ? { _meta: meta } : {}) };
    const owner = this.#resourceOwner.get(uri);
    const candidates = owner ? [this.#byName.get(owner)!] : this.#offering('resources');
    let last: unknown = new GatewayError('UPSTREAM_UNAVAILABLE', `no connected upstream offers resource ${uri}`);
    for (const u of candidates) {
      try {
        return await u.request('resources/read', params, ReadResourceResultSchema);
      } catch (error) {
        last = error;
      }
    }
    throw last;
  }

  async listPrompts(): Promise<Prompt[]> {
    const lists = await Promise.all(
      this.#offering('prompts').map((u) =>
        u.request('prompts/list', undefined, ListPromptsResultSchema).then(
          (r) => r.prompts.map((p) => ({ ...p, name: namespaced(u.name, p.name) })),
          () => [] as Prompt[],
        ),
      ),
    );
    return lists.flat();
  }

  async getPrompt(name: string, args: Record<string, string> | undefined, meta: Record<string, unknown> | undefined): Promise<GetPromptResult> {
    const parts = splitToolName(name);
    const upstream = parts ? this.#byName.get(parts.server) : undefined;
    if (!parts || !upstream) throw new GatewayError('UNKNOWN_TOOL', `no upstream offers prompt ${JSON.stringify(name)} (names are server__prompt)`);
    return upstream.request('prompts/get', { name: parts.tool, ...(args ? { arguments: args } : {}), ...(meta ? { _meta: meta } : {}) }, GetPromptResultSchema);
  }

  #offering(capability: 'resources' | 'prompts'): Upstream[] {
    return this.upstreams.filter((u) => u.status === 'up' && u.capabilities[capability]);
  }
}
