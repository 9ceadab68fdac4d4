// The web console's built files (libs/console builds them; apps pass them in).
// The page is public — it holds no data; every number it shows comes from the
// API routes with the key the user signs in with. Headers: a strict Content
// Security Policy (no inline script or style, nothing from another origin, no
// framing), content-hashed assets cached for good, the page never cached.
// Files are in memory, gzipped once at start-up: serving one is a buffer write.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface ConsoleFile {
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly type: string;
  readonly etag: string;
}

export interface ConsoleFiles {
  readonly index: ConsoleFile;
  /** Content-hashed file names (served under /console/assets/). */
  readonly assets: ReadonlyMap<string, ConsoleFile>;
}

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
} as const;

const hidden = { hide: true } as const;

function send(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile, cacheControl: string): FastifyReply {
  reply.headers(SECURITY_HEADERS).header('cache-control', cacheControl).header('etag', file.etag).header('vary', 'accept-encoding').type(file.type);
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.body);
}

export function consoleRoutes(app: FastifyInstance, files: ConsoleFiles | undefined): void {
  if (!files) return;
  const page = (request: FastifyRequest, reply: FastifyReply) => send(request, reply, files.index, 'no-cache');
  const options = { config: { role: 'public' as const }, schema: hidden };
  app.get('/', options, async (_request, reply) => reply.redirect('/console/', 302));
  app.get('/console', options, async (_request, reply) => reply.redirect('/console/', 301));
  app.get('/console/', options, async (request, reply) => page(request, reply));
  // Views are paths of the page (/console/tools?plugin=…): a shared link opens the view.
  app.get<{ Params: { view: string } }>('/console/:view', options, async (request, reply) => page(request, reply));
  app.get<{ Params: { file: string } }>('/console/assets/:file', options, async (request, reply) => {
    const file = files.assets.get(request.params.file);
    if (!file) return reply.code(404).headers(SECURITY_HEADERS).send({ error: { code: 'NOT_FOUND', message: 'no such console file (the console was rebuilt: reload the page)' } });
    return send(request, reply, file, 'public, max-age=31536000, immutable');
  });
}
