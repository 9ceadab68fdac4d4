import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EVENT_ERROR_CODES, EVENT_ERROR_DOCS, EventError } from './index.ts';

test('every error code is explained, in the catalog and in the README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const code of EVENT_ERROR_CODES) {
    assert.ok(EVENT_ERROR_DOCS[code].length > 20, code);
    assert.ok(readme.includes(`\`${code}\``), `README.md does not document ${code}`);
  }
});

test('EventError carries code, retriable and cause', () => {
  const cause = new Error('inner');
  const e = new EventError('CORRUPT_BODY', 'bad', { cause, field: 'org' });
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'EventError');
  assert.equal(e.code, 'CORRUPT_BODY');
  assert.equal(e.retriable, false);
  assert.equal(e.cause, cause);
  assert.equal(e.field, 'org');
  assert.equal(new EventError('BAD_MAGIC', 'x').cause, undefined);
});
