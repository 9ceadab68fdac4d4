// Finished answers by key, kept while the data they were computed from is
// the newest (same data version) and for at most `maxAgeMs` (answers that
// depend on the clock, e.g. a trailing window, move on), within a byte
// budget (oldest first out). Plus single flight: while one request computes
// a key's answer, the others with that key wait for it instead of computing
// it again (or, where the route class allows it, take the previous answer
// while the new one is computed: `stale`).
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

interface Entry {
  readonly answer: Answer;
  readonly version: string;
  readonly at: number;
}

export interface AnswerCacheOptions {
  readonly maxAgeMs: number;
  readonly maxBytes: number;
  readonly now?: () => number;
}

export class AnswerCache {
  // Insertion order is age order: a Map iterates oldest first.
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new Map<string, Promise<Answer | undefined>>();
  private bytes = 0;
  private readonly now: () => number;

  constructor(private readonly opts: AnswerCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The kept answer for the key if it was computed at this version and is young enough. */
  get(key: string, version: string): Answer | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() - e.at >= this.opts.maxAgeMs) {
      this.delete(key, e);
      return undefined;
    }
    // An answer of an older version stays until its key's next answer
    // replaces it: it may still be served as `stale`.
    return e.version === version ? e.answer : undefined;
  }

  /** The kept answer for the key whatever its data version, if its computation began less than `maxAgeMs` ago. */
  stale(key: string, maxAgeMs: number): Answer | undefined {
    const e = this.entries.get(key);
    return e && this.now() - e.at < Math.min(maxAgeMs, this.opts.maxAgeMs) ? e.answer : undefined;
  }

  /**
   * `startedAt`: when the answer's computation began (default: now); its
   * data is at least that new. An answer whose computation began before the
   * kept one's does not replace it (two versions computed at once may end in
   * either order).
   */
  set(key: string, version: string, answer: Answer, startedAt: number = this.now()): void {
    const size = answer.body.length + key.length;
    if (size > this.opts.maxBytes / 4) return; // one answer never takes most of the budget
    const old = this.entries.get(key);
    if (old && old.at > startedAt) return;
    if (old) this.delete(key, old);
    this.entries.set(key, { answer, version, at: startedAt });
    this.bytes += size;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.opts.maxBytes) break;
      this.delete(k, e);
    }
  }

  /** The answer a request already computing this key will give, if one is. */
  inFlight(key: string): Promise<Answer | undefined> | undefined {
    return this.flights.get(key);
  }

  /**
   * Marks the key as being computed; the returned function ends the flight
   * with the answer (or undefined: it cannot be shared, waiters compute
   * their own).
   */
  begin(key: string): (answer: Answer | undefined) => void {
    let settle!: (a: Answer | undefined) => void;
    this.flights.set(key, new Promise((r) => (settle = r)));
    return (answer) => {
      this.flights.delete(key);
      settle(answer);
    };
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private delete(key: string, e: Entry): void {
    this.entries.delete(key);
    this.bytes -= e.answer.body.length + key.length;
  }
}
