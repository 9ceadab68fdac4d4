import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitSqlStatements } from './split-sql.ts';

const texts = (sql: string) => splitSqlStatements(sql).map((s) => s.text);

test('splits at semicolons and drops empty and comment-only pieces', () => {
  assert.deepEqual(texts('SELECT 1;\n\n;SELECT 2\n-- trailing note;\n'), ['SELECT 1', 'SELECT 2\n-- trailing note;']);
  assert.deepEqual(texts('-- only a comment; really\n/* and; this */\n'), []);
});

test('a semicolon inside a string, identifier or comment does not split', () => {
  const sql = [
    "CREATE TABLE IF NOT EXISTS t (a String COMMENT 'x; y', `b;c` UInt8, \"d;e\" UInt8) ENGINE = Memory",
    "-- a; comment\nSELECT 'it''s; fine', 'back\\'; slash'",
    '/* outer /* nested; */ still; comment */ SELECT 3',
    '# hash; comment\nSELECT 4',
  ].join(';\n');
  assert.deepEqual(texts(sql), [
    "CREATE TABLE IF NOT EXISTS t (a String COMMENT 'x; y', `b;c` UInt8, \"d;e\" UInt8) ENGINE = Memory",
    "-- a; comment\nSELECT 'it''s; fine', 'back\\'; slash'",
    '/* outer /* nested; */ still; comment */ SELECT 3',
    '# hash; comment\nSELECT 4',
  ]);
});

test('code view hides comments and string contents', () => {
  const [s] = splitSqlStatements("ALTER TABLE t /* ADD COLUMN x */ COMMENT COLUMN a 'ADD COLUMN b' -- ADD COLUMN c\n");
  assert.equal(s?.code, "ALTER TABLE t COMMENT COLUMN a ''");
});
