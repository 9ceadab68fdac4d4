// Admission control for engine-backed requests: at most `maxConcurrent` run
// at once; the rest wait in one queue per class, the fleet endpoint's served
// first, each queue bounded. A full queue refuses at once (the caller answers
// 503 with Retry-After) rather than letting latency grow without bound.
export type AdmittedClass = 'fleet' | 'query' | 'stream';

export interface AdmissionOptions {
  /** Engine-backed requests running at once. */
  readonly maxConcurrent: number;
  /** Requests waiting per class beyond those running. */
  readonly queueLimit: number;
}

export interface AdmissionStats {
  readonly running: number;
  readonly queued: Readonly<Record<AdmittedClass, number>>;
  readonly rejected: Readonly<Record<AdmittedClass, number>>;
}

/** Served in this order when a slot frees up. */
const PRIORITY: readonly AdmittedClass[] = ['fleet', 'query', 'stream'];

export class Admission {
  private running = 0;
  private readonly queues: Record<AdmittedClass, (() => void)[]> = { fleet: [], query: [], stream: [] };
  private readonly rejected: Record<AdmittedClass, number> = { fleet: 0, query: 0, stream: 0 };

  constructor(private readonly opts: AdmissionOptions) {}

  /**
   * Resolves with a release function once the request may run, or with
   * undefined at once if its class's queue is full.
   */
  acquire(cls: AdmittedClass): Promise<(() => void) | undefined> | (() => void) | undefined {
    if (this.running < this.opts.maxConcurrent) {
      this.running++;
      return this.releaser();
    }
    const queue = this.queues[cls];
    if (queue.length >= this.opts.queueLimit) {
      this.rejected[cls]++;
      return undefined;
    }
    return new Promise((resolve) => queue.push(() => resolve(this.releaser())));
  }

  stats(): AdmissionStats {
    return {
      running: this.running,
      queued: { fleet: this.queues.fleet.length, query: this.queues.query.length, stream: this.queues.stream.length },
      rejected: { ...this.rejected },
    };
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      // The slot passes straight to the next waiter, by priority.
      for (const cls of PRIORITY) {
        const next = this.queues[cls].shift();
        if (next) return next();
      }
      this.running--;
    };
  }
}
