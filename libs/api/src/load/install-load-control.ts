// Load control around every route, as fastify hooks (routes do nothing for
// it): answers kept while their data is the newest and shared by identical
// concurrent requests (answer-cache.ts), then admission of what must reach
// the engine (admission.ts). Installed after auth, so a request is answered
// from the cache only once its key was accepted for the route and org.
//
// The cache key holds everything an answer can depend on: method, path (the
// org is in it, or in the query), the query normalised (parameters sorted;
// the org auth filled in from the key included), the API key's id, and the
// Accept header. Two keys, or two orgs, never share an answer.
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { Store } from '@mcpg/store';
import { sendError } from '../api-errors.ts';
import { wantsCsv } from '../auth/route-access.ts';
import { Admission, type AdmittedClass } from './admission.ts';
import { AnswerCache, type Answer } from './answer-cache.ts';
import { createDataVersions, type DataVersions } from './data-version.ts';
import { registerLoadMetrics } from './load-metrics.ts';
import { classifyRoute } from './route-class.ts';

export interface LoadControlOptions {
  /** Engine-backed requests running at once (the rest queue). */
  readonly maxConcurrent: number;
  /** Requests waiting per class (fleet, query, stream); beyond it: 503 with Retry-After. */
  readonly queueLimit: number;
  /** An answer is kept at most this long, even when no flush changed its data. 0: no cache (requests are still coalesced). */
  readonly cacheMaxAgeMs: number;
  readonly cacheMaxBytes: number;
  /**
   * The fleet endpoint only: while a request computes the answer for newer
   * data, identical requests get the key's previous answer if its
   * computation began less than this long ago (`x-mcpg-cache: stale`),
   * instead of waiting for the engine. 0: they wait.
   */
  readonly fleetStaleMs: number;
  /** How often the data version is re-read from pipeline_progress while requests come. */
  readonly versionPollMs: number;
  /** In one process with the workers: call the listener after each stored flush. */
  readonly flushes?: FlushSignal;
}

export interface FlushSignal {
  subscribe(listener: (consumer: string) => void): void;
}

/** For `mcpg up`: the workers' onFlushed notifies, the API listens. */
export function createFlushSignal(): FlushSignal & { notify(consumer: string): void } {
  const listeners: ((consumer: string) => void)[] = [];
  return {
    subscribe: (l) => void listeners.push(l),
    notify: (consumer) => listeners.forEach((l) => l(consumer)),
  };
}

export const DEFAULT_LOAD_CONTROL: LoadControlOptions = {
  maxConcurrent: 4,
  queueLimit: 64,
  cacheMaxAgeMs: 1000,
  cacheMaxBytes: 64 << 20,
  fleetStaleMs: 1000,
  versionPollMs: 200,
};

/** The API settings (libs/config apiSettings) as options; undefined when load control is off. */
export function loadControlOptions(c: {
  readonly apiLoadControl: boolean;
  readonly apiMaxConcurrentQueries: number;
  readonly apiQueueLimit: number;
  readonly apiCacheMaxAgeMs: number;
  readonly apiFleetStaleMs: number;
}): Partial<LoadControlOptions> | false {
  if (!c.apiLoadControl) return false;
  return { maxConcurrent: c.apiMaxConcurrentQueries, queueLimit: c.apiQueueLimit, cacheMaxAgeMs: c.apiCacheMaxAgeMs, fleetStaleMs: c.apiFleetStaleMs };
}

const RETRY_AFTER_SECONDS = '1';

interface Flight {
  readonly key: string;
  readonly version: string | undefined;
  /** When the answer's computation began (its data is at least that new). */
  readonly startedAt?: number;
  readonly end: ((a: Answer | undefined) => void) | undefined;
  answer?: Answer;
  release?: () => void;
}

const NOT_REPLAYED = new Set(['content-length', 'x-mcpg-cache', 'connection', 'transfer-encoding', 'date']);

function cacheKey(request: FastifyRequest): string {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const params = Object.keys(query)
    .sort()
    .map((k) => [k, query[k]]);
  const path = request.url.split('?', 1)[0];
  return `${request.method} ${path}\n${JSON.stringify(params)}\n${request.apiKey?.id ?? ''}\n${request.headers.accept ?? ''}`;
}

function replay(reply: FastifyReply, a: Answer, how: 'hit' | 'coalesced' | 'stale'): FastifyReply {
  return reply.code(a.status).headers(a.headers).header('x-mcpg-cache', how).send(a.body);
}

function capture(reply: FastifyReply, payload: unknown): Answer | undefined {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return undefined; // a stream: not shareable
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) {
    if (v !== undefined && !NOT_REPLAYED.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  // A copy: routes may hand out pooled buffers that are reused after the reply.
  return { status: reply.statusCode, headers, body: Buffer.from(payload) };
}

export interface LoadControl {
  readonly versions: DataVersions;
  readonly admission: Admission;
  readonly cache: AnswerCache;
}

export function installLoadControl(app: FastifyInstance, store: Store, registry: Registry, options: Partial<LoadControlOptions> = {}): LoadControl {
  const opts = { ...DEFAULT_LOAD_CONTROL, ...options };
  // Told of every flush in-process, reading the table as well would only
  // change the version a second time per flush (it is read once, at start).
  const versions = createDataVersions(store, opts.flushes ? Infinity : opts.versionPollMs);
  opts.flushes?.subscribe((consumer) => versions.bump(consumer));
  const cache = new AnswerCache({ maxAgeMs: opts.cacheMaxAgeMs, maxBytes: opts.cacheMaxBytes });
  const admission = new Admission(opts);
  const metrics = registerLoadMetrics(registry, admission);
  const flights = new WeakMap<FastifyRequest, Flight>();

  const admit = async (request: FastifyRequest, reply: FastifyReply, cls: AdmittedClass, flight: Flight): Promise<FastifyReply | undefined> => {
    flights.set(request, flight);
    // Everything the request holds is let go when its response is done or
    // its client went away, whichever comes first. A response the socket
    // never started gets no 'close' of its own when the socket goes, and the
    // socket may be gone already (its 'close' passed before this request got
    // here): so the socket is watched as well, and checked.
    const socket = request.raw.socket as Socket | null | undefined;
    let closed = false;
    const onClose = () => {
      if (closed) return;
      closed = true;
      socket?.removeListener('close', onClose);
      flight.release?.();
      if (flight.answer && flight.answer.status === 200 && flight.version !== undefined && opts.cacheMaxAgeMs > 0) {
        cache.set(flight.key, flight.version, flight.answer, flight.startedAt);
      }
      flight.end?.(flight.answer);
    };
    reply.raw.once('close', onClose);
    if (!socket || socket.destroyed) {
      onClose();
      return reply.code(503).send();
    }
    socket.once('close', onClose);
    const release = await admission.acquire(cls);
    if (!release) {
      request.log.warn({ class: cls }, 'engine queue full: answering 503');
      return sendError(reply.header('retry-after', RETRY_AFTER_SECONDS), 'OVERLOADED', 'the API is busy: too many queries are waiting, retry later');
    }
    if (closed || socket.destroyed) {
      // The client left while this waited: hand the slot on rather than run
      // a query nobody reads.
      if (closed) release();
      else {
        flight.release = release;
        onClose();
      }
      return reply.code(503).send();
    }
    flight.release = release;
    return undefined;
  };

  app.addHook('onRequest', async (request, reply) => {
    const load = classifyRoute(request.method, request.routeOptions.url, wantsCsv(request.query, request.headers.accept));
    if (load.cls === 'health' || load.cls === 'other') return;
    const key = cacheKey(request);
    if (load.cls === 'stream') return admit(request, reply, 'stream', { key, version: undefined, end: undefined });
    if (request.routeOptions.config.reuse === false) return admit(request, reply, load.cls, { key, version: undefined, end: undefined });

    // Without a version (the store does not answer), nothing is served from
    // the cache; the route gives its own error.
    const version = await versions.current(load.source).catch(() => undefined);
    if (version !== undefined) {
      const hit = cache.get(key, version);
      if (hit) {
        metrics.answered('hit');
        return replay(reply, hit, 'hit');
      }
    }
    // Joins only a computation that started at the same data version: an
    // answer from before a flush the request already could see is not shared.
    const flightKey = `${key}\n${version ?? ''}`;
    const pending = cache.inFlight(flightKey);
    if (pending) {
      // A scrape is a sample: the previous exposition, under a second old,
      // serves the scrapes that arrive while the new one is computed, so one
      // scrape per flush waits for the engine rather than every scrape of
      // that time (at a few flushes a second, most of them).
      const previous = load.cls === 'fleet' && opts.fleetStaleMs > 0 ? cache.stale(key, opts.fleetStaleMs) : undefined;
      if (previous) {
        metrics.answered('stale');
        return replay(reply, previous, 'stale');
      }
      const answer = await pending;
      if (answer) {
        metrics.answered('coalesced');
        return replay(reply, answer, 'coalesced');
      }
    }
    const end = cache.inFlight(flightKey) ? undefined : cache.begin(flightKey);
    metrics.answered('computed');
    return admit(request, reply, load.cls, { key, version, end, startedAt: Date.now() });
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const flight = flights.get(request);
    if (flight?.end) flight.answer = capture(reply, payload);
    return payload;
  });

  return { versions, admission, cache };
}
