// The gateway's own Prometheus metrics (the local `/metrics` endpoint for
// legacy scraping; the fleet view comes from the query API). Labels are only
// configured server names and tools the upstreams listed — never a name a
// client made up — so cardinality stays bounded.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type CallStatus = 'ok' | 'error' | 'denied' | 'timeout' | 'cancelled' | 'rejected';

export interface OutboxGauges {
  queueDepth(): number;
  spoolBytes(): number;
}

export class GatewayMetrics {
  readonly registry: Registry;
  readonly #latency: Histogram<'server' | 'tool'>;
  readonly #calls: Counter<'server' | 'tool' | 'status'>;
  readonly #errors: Counter<'server' | 'tool' | 'status'>;
  readonly #serverStatus: Gauge<'server'>;
  readonly #sessions: Gauge<'transport'>;
  readonly #dropped: Counter<'reason'>;
  readonly #captured: Counter<'field'>;
  readonly #captureSkipped: Counter<'reason'>;

  constructor(outbox: OutboxGauges, registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.#latency = new Histogram({
      name: 'tool_latency_seconds',
      help: 'Tool call latency through the gateway, by upstream server and tool',
      labelNames: ['server', 'tool'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#calls = new Counter({ name: 'tool_calls_total', help: 'Tool calls by outcome', labelNames: ['server', 'tool', 'status'], registers });
    this.#errors = new Counter({ name: 'tool_errors_total', help: 'Tool calls that did not end ok (error, denied, timeout, cancelled, rejected)', labelNames: ['server', 'tool', 'status'], registers });
    this.#serverStatus = new Gauge({ name: 'server_status', help: 'Upstream server connected (1) or not (0)', labelNames: ['server'], registers });
    this.#sessions = new Gauge({ name: 'active_sessions', help: 'Open client sessions', labelNames: ['transport'], registers });
    this.#captured = new Counter({ name: 'payloads_captured_total', help: 'Payloads captured and sealed, by field (arguments, response)', labelNames: ['field'], registers });
    this.#captureSkipped = new Counter({ name: 'payloads_capture_skipped_total', help: 'Calls a capture rule picked but nothing was sealed: no_key (the org has no live payload key), key_error (the keystore could not be reloaded)', labelNames: ['reason'], registers });
    this.#dropped = new Counter({ name: 'events_dropped_total', help: 'Events dropped because the disk spool was full, by overflow policy', labelNames: ['reason'], registers });
    // Exposed at 0 from the start: a series that first appears with the count
    // of a burst shows no increase() to Prometheus, and the alert on it
    // (MCPGGatewayEventsDropped) would miss the first burst.
    for (const reason of ['drop-oldest', 'drop-newest']) this.#dropped.inc({ reason }, 0);
    new Gauge({
      name: 'event_queue_depth',
      help: 'Events in the in-memory queue waiting for Kafka',
      registers,
      collect() {
        this.set(outbox.queueDepth());
      },
    });
    new Gauge({
      name: 'event_spool_bytes',
      help: 'Bytes of events in the disk spool waiting for Kafka',
      registers,
      collect() {
        this.set(outbox.spoolBytes());
      },
    });
  }

  call(server: string, tool: string, status: CallStatus, seconds: number): void {
    const labels = { server, tool, status };
    this.#calls.inc(labels);
    if (status !== 'ok') this.#errors.inc(labels);
    if (status !== 'rejected' && status !== 'denied') this.#latency.observe({ server, tool }, seconds);
  }

  serverStatus(server: string, up: boolean): void {
    this.#serverStatus.set({ server }, up ? 1 : 0);
  }

  sessions(transport: 'http' | 'stdio', delta: number): void {
    this.#sessions.inc({ transport }, delta);
  }

  captured(field: string): void {
    this.#captured.inc({ field });
  }

  captureSkipped(reason: string): void {
    this.#captureSkipped.inc({ reason });
  }

  dropped(count: number, reason: string): void {
    this.#dropped.inc({ reason }, count);
  }
}
