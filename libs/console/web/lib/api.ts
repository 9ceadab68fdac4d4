// The console's only way to data: the public query API, with the signed-in
// key in the Authorization header (never in a URL). Failures become ApiFailure
// with the API's own code and message, or status 0 when the API is unreachable.
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
  get unreachable(): boolean {
    return this.status === 0;
  }
}

export type Params = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export interface Api {
  get<T>(path: string, params?: Params, signal?: AbortSignal): Promise<T>;
  getText(path: string, params?: Params, signal?: AbortSignal): Promise<string>;
  put<T>(path: string, body: unknown): Promise<T>;
  /** The whole answer as a Blob (CSV exports: the API streams them, the browser keeps them). */
  blob(path: string, params: Params, accept: string): Promise<Blob>;
}

async function failure(res: Response): Promise<ApiFailure> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; parameter?: string } };
    return new ApiFailure(res.status, body.error?.code ?? `HTTP_${res.status}`, body.error?.message ?? res.statusText, body.error?.parameter);
  } catch {
    return new ApiFailure(res.status, `HTTP_${res.status}`, res.statusText || `HTTP ${res.status}`);
  }
}

export function createApi(key: () => string | null): Api {
  async function call(path: string, init: RequestInit, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    const k = key();
    if (k) headers.authorization = `Bearer ${k}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { ...init, headers, cache: 'no-store', credentials: 'omit' });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ApiFailure(0, 'UNREACHABLE', 'The query API did not answer (network error or the server is down).');
    }
    if (!res.ok) throw await failure(res);
    return res;
  }
  return {
    get: async (path, params, signal) => (await call(withQuery(path, params), { signal: signal ?? null }, 'application/json')).json(),
    getText: async (path, params, signal) => (await call(withQuery(path, params), { signal: signal ?? null }, 'text/plain')).text(),
    put: async (path, body) => (await call(path, { method: 'PUT', body: JSON.stringify(body) }, 'application/json')).json(),
    blob: async (path, params, accept) => (await call(withQuery(path, params), {}, accept)).blob(),
  };
}

/** What a user should read for a failure: the API's own message, plus what to do. */
export function explain(e: unknown): string {
  if (!(e instanceof ApiFailure)) return e instanceof Error ? e.message : String(e);
  if (e.unreachable) return e.message;
  if (e.status === 401) return `Not signed in: ${e.message}. Sign in again with a valid API key.`;
  if (e.status === 403) return `Not allowed: ${e.message}.`;
  if (e.status === 400) return `The API refused the request${e.parameter ? ` (parameter ${e.parameter})` : ''}: ${e.message}`;
  return `${e.code}: ${e.message}`;
}
