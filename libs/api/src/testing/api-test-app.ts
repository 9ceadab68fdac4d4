// Test support for the API's integration tests: a migrated store in its own
// database and an API over it (optionally with keys), closed together.
import type { FastifyInstance } from 'fastify';
import type { Store } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { buildApi, type ApiDeps } from '../app.ts';
import { hashSecret, type ApiKey, type ApiRole } from '../auth/api-key.ts';

export interface TestApi {
  readonly store: Store;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export async function createTestApi(deps: Omit<ApiDeps, 'store'> = {}): Promise<TestApi> {
  const store = await createTestStore();
  // Tests write rows directly, not through a worker flush (which is what
  // tells the API an answer changed): answers are not reused unless a test
  // asks for it. Coalescing and admission stay on.
  const app = buildApi({ store, load: { cacheMaxAgeMs: 0 }, ...deps });
  await app.ready();
  return {
    store,
    app,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** A key whose secret is its id with a `-secret` suffix. */
export function testKey(id: string, orgs: readonly string[], roles: readonly ApiRole[]): ApiKey {
  return { id, sha256: hashSecret(`${id}-secret`), orgs, roles };
}

export const bearer = (id: string) => ({ authorization: `Bearer ${id}-secret` });
