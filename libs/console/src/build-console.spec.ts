// The console build: content-hashed files named by index.html, rebuilt only
// when the sources change, within its size budget, nothing fetched from
// another origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureConsoleBuilt } from './build-console.ts';
import { loadConsole } from './console-bundle.ts';

const BUDGET_GZIP_BYTES = 150 * 1024;

test('a build names its hashed files in index.html, and an unchanged source tree is not rebuilt', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpg-console-build-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await ensureConsoleBuilt(dir);
  assert.equal(first.built, true);
  const [index, script, style] = first.manifest.files;
  assert.equal(index, 'index.html');
  assert.match(script!, /^app-[A-Z0-9]{8}\.js$/);
  assert.match(style!, /^app-[A-Z0-9]{8}\.css$/);
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  assert.ok(html.includes(`src="/console/assets/${script}"`) && html.includes(`href="/console/assets/${style}"`));
  assert.ok(!/<script>|<style>|\sstyle=/.test(html), 'no inline script or style (the CSP forbids them)');
  const second = await ensureConsoleBuilt(dir);
  assert.equal(second.built, false, 'the same sources are not built twice');
  assert.deepEqual(second.manifest, first.manifest);
  assert.ok(first.manifest.size.gzip <= BUDGET_GZIP_BYTES, `JS + CSS ${first.manifest.size.gzip} bytes gzipped, budget ${BUDGET_GZIP_BYTES}`);
});

test('the bundle loads nothing from another origin (air-gapped)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpg-console-build-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = await loadConsole(dir);
  for (const [name, file] of bundle.assets) {
    const text = file.body.toString('utf8');
    assert.ok(!/https?:\/\/(?!www\.w3\.org\/)[a-z0-9.-]+\.[a-z]{2,}\/[^\s"'`]*\.(js|css|woff2?|ttf|png|svg)/i.test(text), `${name} refers to a remote asset`);
    assert.ok(!/@import\s+url|@font-face/.test(text), `${name} imports CSS or fonts`);
    assert.ok(file.gzip.length < file.body.length);
  }
  assert.match(bundle.index.type, /^text\/html/);
});
