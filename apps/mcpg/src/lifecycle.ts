// Graceful shutdown: things started are stopped in reverse order, once, on
// SIGINT or SIGTERM. A second signal exits at once.
export class Lifecycle {
  private readonly closers: { name: string; close: () => Promise<void> }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: (msg: string) => void = (m) => console.error(m)) {}

  add(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }

  /** Resolves when a signal arrives (or stop() is called) and everything has stopped. */
  onSignals(): Promise<void> {
    return new Promise((resolve) => {
      // Signal handlers do not keep Node running: with nothing else holding
      // the event loop (`mcpg kafka start` with stdin closed, as under a
      // service manager) the process would exit at once and take the broker
      // with it.
      const keepAlive = setInterval(() => undefined, 1 << 30);
      const done = () => {
        clearInterval(keepAlive);
        resolve();
      };
      let signals = 0;
      const handler = (sig: string) => {
        if (++signals > 1) {
          this.log(`${sig} again: exiting now`);
          process.exit(130);
        }
        this.log(`${sig}: stopping…`);
        void this.stop().then(done);
      };
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
    });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const c of this.closers.reverse()) {
        try {
          await c.close();
        } catch (e) {
          this.log(`stopping ${c.name} failed: ${String(e)}`);
        }
      }
    })();
    return this.stopping;
  }
}
