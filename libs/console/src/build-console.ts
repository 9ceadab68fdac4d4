// Builds the web console (web/) into dist/ with esbuild, only when its sources
// changed: a digest of every source file, the bundler's version and these
// options is kept in dist/manifest.json, and an up-to-date build is left alone.
// Output names carry a content hash, so the API can let browsers cache them
// for good; index.html names them and is never cached.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, version as esbuildVersion, type BuildOptions } from 'esbuild';

const LIB = new URL('..', import.meta.url).pathname;
export const CONSOLE_WEB_DIR = join(LIB, 'web');
export const CONSOLE_DIST_DIR = join(LIB, 'dist');
const MANIFEST = 'manifest.json';
/** Where the API serves the built files (index.html refers to them by this path). */
export const CONSOLE_PATH = '/console/';
const ASSET_PATH = `${CONSOLE_PATH}assets/`;

export interface ConsoleManifest {
  /** Digest of the sources and build options this build came from. */
  readonly sourceDigest: string;
  /** Files of the build, relative to the dist directory; index.html first. */
  readonly files: readonly string[];
  /** Bytes of JavaScript and CSS, raw and gzipped (the budget is on the gzipped figure). */
  readonly size: { readonly raw: number; readonly gzip: number };
}

const options = (outdir: string): BuildOptions => ({
  entryPoints: { app: join(CONSOLE_WEB_DIR, 'main.tsx') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome111', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  legalComments: 'none',
  metafile: true,
  logLevel: 'silent',
  // The console runs air-gapped: everything it needs is in the bundle.
  platform: 'browser',
});

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (!e.name.endsWith('.spec.ts')) out.push(p);
  }
  return out.sort();
}

/** Digest of what a build depends on: the sources, esbuild's version, the options. */
export function sourceDigest(webDir = CONSOLE_WEB_DIR): string {
  const h = createHash('sha256').update(`esbuild ${esbuildVersion}\n${JSON.stringify(options('out'))}\n`);
  for (const f of sourceFiles(webDir)) h.update(`${relative(webDir, f)}\0`).update(readFileSync(f)).update('\0');
  // Dependencies' versions count too: an upgraded preact or uPlot rebuilds.
  for (const dep of ['preact', '@preact/signals', 'uplot', '@noble/ed25519', '@noble/hashes']) {
    h.update(`${dep}@${JSON.parse(readFileSync(join(LIB, '../../node_modules', dep, 'package.json'), 'utf8')).version}\n`);
  }
  return h.digest('hex');
}

export function readManifest(distDir = CONSOLE_DIST_DIR): ConsoleManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(distDir, MANIFEST), 'utf8')) as ConsoleManifest;
  } catch {
    return undefined;
  }
}

export interface BuildResult {
  readonly manifest: ConsoleManifest;
  /** false: the build on disk was up to date and was kept. */
  readonly built: boolean;
  readonly ms: number;
}

/**
 * Builds the console unless dist/ already holds a build of these sources.
 * Writes to a fresh directory and swaps it in, so a server reading dist/ never
 * sees half a build.
 */
export async function ensureConsoleBuilt(distDir = CONSOLE_DIST_DIR): Promise<BuildResult> {
  const t0 = performance.now();
  const digest = sourceDigest();
  const existing = readManifest(distDir);
  if (existing?.sourceDigest === digest) return { manifest: existing, built: false, ms: performance.now() - t0 };

  const tmp = `${distDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const result = await build(options(tmp));
  const outputs = Object.keys(result.metafile!.outputs).map((p) => basename(p));
  const script = outputs.find((f) => f.endsWith('.js'));
  const style = outputs.find((f) => f.endsWith('.css'));
  if (!script || !style) throw new Error(`console build produced ${outputs.join(', ')}: expected one .js and one .css`);
  const html = readFileSync(join(CONSOLE_WEB_DIR, 'index.html'), 'utf8').replace('%STYLE%', `${ASSET_PATH}${style}`).replace('%SCRIPT%', `${ASSET_PATH}${script}`);
  writeFileSync(join(tmp, 'index.html'), html);
  let raw = 0;
  let gzip = 0;
  for (const f of [script, style]) {
    const bytes = readFileSync(join(tmp, f));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  const manifest: ConsoleManifest = { sourceDigest: digest, files: ['index.html', script, style], size: { raw, gzip } };
  writeFileSync(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2));
  rmSync(distDir, { recursive: true, force: true });
  renameSync(tmp, distDir);
  return { manifest, built: true, ms: performance.now() - t0 };
}
