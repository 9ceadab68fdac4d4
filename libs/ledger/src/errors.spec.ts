import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LEDGER_ERROR_CODES, LEDGER_ERROR_DOCS, LedgerError } from './index.ts';

function specSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? specSources(join(dir, e.name)) : e.name.endsWith('.spec.ts') && e.name !== 'errors.spec.ts' ? [readFileSync(join(dir, e.name), 'utf8')] : [],
  );
}

test('every error code is explained, in the catalog and in the README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const code of LEDGER_ERROR_CODES) {
    assert.ok(LEDGER_ERROR_DOCS[code].length > 20, code);
    assert.ok(readme.includes(`\`${code}\``), `README.md does not document ${code}`);
  }
});

test('every error code is produced by some test', () => {
  const specs = specSources(new URL('.', import.meta.url).pathname).join('\n');
  for (const code of LEDGER_ERROR_CODES) assert.ok(specs.includes(`'${code}'`), `no test expects ${code}`);
});

test('LedgerError carries code, retriable, cause, seq and tree size', () => {
  const cause = new Error('inner');
  const e = new LedgerError('ROW_EDITED', 'edited', { cause, seq: 5n, treeSize: 10 });
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'LedgerError');
  assert.equal(e.code, 'ROW_EDITED');
  assert.equal(e.retriable, false);
  assert.equal(e.cause, cause);
  assert.equal(e.seq, 5n);
  assert.equal(e.treeSize, 10);
  const bare = new LedgerError('FORK', 'x');
  assert.deepEqual([bare.cause, bare.seq, bare.treeSize], [undefined, undefined, undefined]);
});
