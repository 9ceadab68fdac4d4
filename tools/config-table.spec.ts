import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { README, renderReadme } from './config-table.ts';

test('the README documents every setting exactly as the code declares it (npm run docs:config)', () => {
  const readme = readFileSync(README, 'utf8');
  assert.equal(readme, renderReadme(readme));
});
