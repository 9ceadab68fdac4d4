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
  const app = buildApi({ store, ...deps });
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
