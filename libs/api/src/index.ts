// @mcpg/api: the query API as a fastify instance, shared by the query-api app
// and `mcpg up`.
export { buildApi, type ApiDeps } from './app.ts';
