import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nonIdempotentReason } from './idempotence.ts';

test('accepts statements that are no-ops the second time', () => {
  for (const sql of [
    'CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = Memory',
    'create materialized view if not exists v to t as select 1',
    'CREATE OR REPLACE VIEW v AS SELECT 1',
    'DROP TABLE IF EXISTS t',
    'ALTER TABLE t ADD COLUMN IF NOT EXISTS b UInt8, DROP INDEX IF EXISTS i',
    'ALTER TABLE t MODIFY TTL started_at + INTERVAL 90 DAY',
    "ALTER TABLE t COMMENT COLUMN a ''",
    'CREATE ROW POLICY OR REPLACE p ON t USING org = 1 TO ALL',
    'CREATE ROW POLICY IF NOT EXISTS p ON t USING 1 TO ALL',
  ]) {
    assert.equal(nonIdempotentReason(sql), undefined, sql);
  }
});

test('rejects statements that fail or duplicate when run twice', () => {
  for (const sql of [
    'CREATE TABLE t (a UInt8) ENGINE = Memory',
    'CREATE MATERIALIZED VIEW v TO t AS SELECT 1',
    'DROP TABLE t',
    'ALTER TABLE t ADD COLUMN b UInt8',
    'ALTER TABLE t DROP COLUMN b',
    'INSERT INTO t VALUES (1)',
    'RENAME TABLE a TO b',
    'CREATE ROW POLICY p ON t USING 1 TO ALL',
  ]) {
    assert.notEqual(nonIdempotentReason(sql), undefined, sql);
  }
});
