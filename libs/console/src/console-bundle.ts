// The built console in memory, as the API serves it: each file with its
// gzipped bytes (compressed once here, not per request), content type and
// entity tag. Built first if the sources changed since the last build.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONSOLE_DIST_DIR, ensureConsoleBuilt, type ConsoleManifest } from './build-console.ts';

export interface ConsoleFile {
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly type: string;
  readonly etag: string;
}

export interface ConsoleBundle {
  /** The page every console URL answers with. */
  readonly index: ConsoleFile;
  /** Content-hashed files by name (served under /console/assets/). */
  readonly assets: ReadonlyMap<string, ConsoleFile>;
  readonly manifest: ConsoleManifest;
  /** Whether this start built the console (false: the build on disk was current). */
  readonly built: boolean;
  readonly buildMs: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function file(body: Buffer, name: string): ConsoleFile {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, gzip: gzipSync(body, { level: 9 }), type: TYPES[extname(name)] ?? 'application/octet-stream', etag };
}

function isReadOnly(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'EACCES' || code === 'EROFS' || code === 'EPERM';
}

/**
 * Builds the console if needed and reads it into memory. Where the package's
 * own dist/ cannot be written (a read-only image without a prebuilt console),
 * the build goes to a temporary directory instead.
 */
export async function loadConsole(distDir = CONSOLE_DIST_DIR): Promise<ConsoleBundle> {
  let dir = distDir;
  let result;
  try {
    result = await ensureConsoleBuilt(dir);
  } catch (e) {
    if (!isReadOnly(e)) throw e;
    dir = join(tmpdir(), `mcpg-console-${process.getuid?.() ?? 'user'}`);
    result = await ensureConsoleBuilt(dir);
  }
  const [index, ...assets] = result.manifest.files;
  return {
    index: file(readFileSync(join(dir, index!)), index!),
    assets: new Map(assets.map((name) => [name, file(readFileSync(join(dir, name)), name)])),
    manifest: result.manifest,
    built: result.built,
    buildMs: result.ms,
  };
}
