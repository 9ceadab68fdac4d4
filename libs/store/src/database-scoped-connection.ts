// Makes the client's `database` option hold on the embedded engine.
//
// Over HTTP the client sends `database` with every request. chdb's connection
// ignores it: every statement runs in the session's current database. Since
// one chdb session is shared by all stores of the process (see
// embedded-engine.ts), each statement is sent as `USE <db>; <statement>` in
// the same call, so it runs in this store's database whatever ran before.
// (Measured: +0.2 ms per call over chdb's ~1.4 ms; 400 interleaved calls on two
// databases all saw their own.)
import type { Connection } from './connection.ts';
import { StoreError } from './errors.ts';

type Params<K extends keyof Connection> = Parameters<Connection[K]>[0];

export class DatabaseScopedConnection implements Connection {
  readonly #inner: Connection;
  readonly #prefix: string;
  readonly #onClose: () => Promise<void>;
  #closed = false;

  /** `database` must already be a validated identifier (it is spliced into SQL). */
  constructor(inner: Connection, database: string, onClose: () => Promise<void>) {
    this.#inner = inner;
    this.#prefix = `USE \`${database}\`;\n`;
    this.#onClose = onClose;
  }

  #scoped<P extends { query: string }>(params: P): P {
    if (this.#closed) throw closedError();
    return { ...params, query: this.#prefix + params.query };
  }

  async query(params: Params<'query'>): ReturnType<Connection['query']> {
    return this.#inner.query(this.#scoped(params));
  }

  async insert(params: Params<'insert'>): ReturnType<Connection['insert']> {
    return this.#inner.insert(this.#scoped(params));
  }

  async command(params: Params<'command'>): ReturnType<Connection['command']> {
    return this.#inner.command(this.#scoped(params));
  }

  async exec(params: Params<'exec'>): ReturnType<Connection['exec']> {
    return this.#inner.exec(this.#scoped(params));
  }

  async ping(params: Params<'ping'>): ReturnType<Connection['ping']> {
    if (this.#closed) return { success: false, error: closedError() };
    return this.#inner.ping(params);
  }

  /** Closing a store releases its lease; the shared session closes with the last one. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#onClose();
  }
}

const closedError = () => new StoreError('STORE_CLOSED', 'the store is closed', false);
