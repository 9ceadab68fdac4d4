// Test support of the query API for specs outside this lib (import from
// `@mcpg/api/testing`): the README's analyst examples and the traffic they read.
export { readmeSqlExamples, sameAnswer, seedTraffic, sqlBlockStatements, sqlStatements } from './readme-sql.ts';
export { startSqlTestServer, SQL_TEST_KEYS, TEST_SQL_LIMITS, type SqlTestServer } from './sql-test-server.ts';
