// Serving the console: the page and its assets with a strict CSP, no framing,
// caching by content hash, gzip when asked, 304 on a matching entity tag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { consoleRoutes, type ConsoleFile } from './console.ts';

const file = (text: string, type: string, etag: string): ConsoleFile => ({ body: Buffer.from(text), gzip: gzipSync(text), type, etag });
const files = {
  index: file('<!doctype html><script type="module" src="/console/assets/app-AAAA.js"></script>', 'text/html; charset=utf-8', '"idx"'),
  assets: new Map([['app-AAAA.js', file('console.log(1)', 'text/javascript; charset=utf-8', '"js"')]]),
};

async function app() {
  const a = Fastify();
  consoleRoutes(a, files);
  await a.ready();
  return a;
}

test('the page: CSP without inline script, no framing, never cached; every view path is the page', async () => {
  const a = await app();
  for (const url of ['/console/', '/console/tools', '/console/history']) {
    const res = await a.inject({ url });
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.body, files.index.body.toString());
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'none'/);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  }
  assert.equal((await a.inject({ url: '/' })).headers.location, '/console/');
});

test('assets: cached for good, gzip when accepted, 304 for a known entity tag, 404 for an unknown name', async () => {
  const a = await app();
  const plain = await a.inject({ url: '/console/assets/app-AAAA.js' });
  assert.equal(plain.body, 'console.log(1)');
  assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(String(plain.headers['content-type']), /^text\/javascript/);
  const zipped = await a.inject({ url: '/console/assets/app-AAAA.js', headers: { 'accept-encoding': 'gzip, br' } });
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(zipped.rawPayload).toString(), 'console.log(1)');
  const again = await a.inject({ url: '/console/assets/app-AAAA.js', headers: { 'if-none-match': '"js"' } });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');
  const gone = await a.inject({ url: '/console/assets/app-OLD.js' });
  assert.equal(gone.statusCode, 404);
  assert.match(gone.json().error.message, /reload/);
});
