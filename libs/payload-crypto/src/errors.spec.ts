import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { PAYLOAD_CRYPTO_ERROR_CODES, PAYLOAD_CRYPTO_ERROR_DOCS } from './index.ts';

test('every error code is explained in the catalog and the README, and some test expects it', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const dir = new URL('.', import.meta.url).pathname;
  const specs = readdirSync(dir)
    .filter((f) => f.endsWith('.spec.ts') && f !== 'errors.spec.ts')
    .map((f) => readFileSync(`${dir}/${f}`, 'utf8'))
    .join('\n');
  for (const code of PAYLOAD_CRYPTO_ERROR_CODES) {
    assert.ok(PAYLOAD_CRYPTO_ERROR_DOCS[code].length > 20, code);
    assert.ok(readme.includes(`\`${code}\``), `README.md does not document ${code}`);
    assert.ok(specs.includes(`'${code}'`), `no test expects ${code}`);
  }
});
