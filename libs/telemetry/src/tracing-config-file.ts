// The tracing configuration as a file an operator (or a Kubernetes ConfigMap)
// can change while the app runs: read at start (an invalid file stops the
// app, naming the problem), then polled. A change goes through the same
// check-then-switch as the admin endpoint; a bad change is logged and the
// running exporter stays. Polling (fs.watchFile) rather than fs.watch: it
// also sees a ConfigMap's symlink swap and editors that replace the file.
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { parseTracingConfigText, type TracingConfig } from './exporter-config.ts';
import type { Logger } from './logger.ts';
import { TelemetryError } from './telemetry-errors.ts';
import type { Tracing } from './tracing.ts';

export function loadTracingConfigFile(path: string): TracingConfig {
  return parseTracingConfigText(readText(path), path);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new TelemetryError('TRACING_CONFIG_UNREADABLE', `cannot read the tracing config file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
}

export interface TracingConfigWatch {
  close(): void;
}

export interface WatchOptions {
  readonly log: Pick<Logger, 'info' | 'error'>;
  /** How often the file is checked. Default 2000 ms. */
  readonly intervalMs?: number;
  /** Called after each change attempt, applied or refused (tests wait on it). */
  readonly onChange?: (result: { ok: true } | { ok: false; error: unknown }) => void;
}

export function watchTracingConfig(path: string, tracing: Tracing, o: WatchOptions): TracingConfigWatch {
  let last = safeRead(path);
  const listener = (cur: Stats) => {
    if (cur.nlink === 0 && cur.mtimeMs === 0) return; // removed: keep what runs
    const text = safeRead(path);
    if (text === undefined || text === last) return;
    last = text;
    let config: TracingConfig;
    try {
      config = parseTracingConfigText(text, path);
    } catch (error) {
      o.log.error({ err: error instanceof Error ? error.message : String(error) }, 'tracing config file refused; the running exporter stays');
      o.onChange?.({ ok: false, error });
      return;
    }
    tracing.apply(config).then(
      (view) => {
        o.log.info({ tracing: view }, 'tracing config file applied');
        o.onChange?.({ ok: true });
      },
      (error: unknown) => {
        o.log.error({ err: String(error) }, 'tracing config could not be applied');
        o.onChange?.({ ok: false, error });
      },
    );
  };
  watchFile(path, { interval: o.intervalMs ?? 2000, persistent: false }, listener);
  o.log.info({ file: path }, 'watching the tracing config file');
  return { close: () => unwatchFile(path, listener) };
}

function safeRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

