// The gateway's configuration, as validated from its YAML or JSON file (see
// validate-config.ts for the rules and README.md for an annotated example).
import type { GatewayKafkaSasl, GatewayKafkaTls } from './kafka-security-config.ts';
import type { CaptureConfig } from '../capture/capture-config.ts';

export interface StdioUpstreamConfig {
  readonly name: string;
  readonly kind: 'stdio';
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string | undefined;
  /** Longest a tool call may take. */
  readonly timeoutMs: number;
  /** Longest start-up (spawn + MCP initialize + tool listing) may take. */
  readonly connectTimeoutMs: number;
}

export interface HttpUpstreamConfig {
  readonly name: string;
  readonly kind: 'http';
  readonly url: string;
  /** Sent with every request (e.g. the upstream's own credentials). */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
}

export type UpstreamConfig = StdioUpstreamConfig | HttpUpstreamConfig;

export interface ApiKeyConfig {
  /** A name for the key, shown in audit events instead of the key. */
  readonly id: string;
  /** Lower-case hex SHA-256 of the key; the key itself is never in the file. */
  readonly sha256: string;
  readonly org: string;
  readonly workspace: string;
  readonly actor: string;
}

export interface Obligations {
  /** Mask secrets in the response the client receives (events are always masked). */
  readonly redactResponse: boolean;
  /** Cut the response text the client receives to this many bytes (0 = no cap). */
  readonly maxResponseBytes: number;
}

export type PolicyEffect = 'permit' | 'deny';

export interface PolicyRuleConfig {
  readonly id: string;
  readonly effect: PolicyEffect;
  /** Globs over the namespaced tool name `server__tool`; empty = any. */
  readonly tools: readonly string[];
  readonly servers: readonly string[];
  readonly actors: readonly string[];
  readonly workspaces: readonly string[];
  readonly obligations: Obligations | null;
  /** Shown to the client when the rule denies. */
  readonly reason: string;
}

export type SpoolOverflow = 'drop-oldest' | 'drop-newest';
export type SpoolFsync = 'always' | 'interval' | 'never';

export interface GatewayConfig {
  /** Names this gateway in every event (`instance`). */
  readonly instance: string;
  /** Who runs the gateway: its lifecycle events (upstream started, crashed) go to this org's audit trail. */
  readonly owner: { readonly org: string; readonly workspace: string };
  readonly listen: {
    readonly host: string;
    readonly port: number;
    readonly path: string;
    /** A session with no request for this long is closed (clients that vanish without DELETE). */
    readonly sessionIdleMs: number;
  };
  readonly metrics: { readonly enabled: boolean; readonly host: string; readonly port: number };
  readonly upstreams: readonly UpstreamConfig[];
  readonly apiKeys: readonly ApiKeyConfig[];
  /** Identity of a client on the stdio front (one local user). */
  readonly stdioIdentity: { readonly org: string; readonly workspace: string; readonly actor: string };
  readonly policy: { readonly defaultEffect: PolicyEffect; readonly rules: readonly PolicyRuleConfig[] };
  readonly limits: {
    readonly maxArgumentBytes: number;
    /** Masked arguments and responses in audit events are cut to this size. */
    readonly auditPayloadBytes: number;
  };
  readonly kafka: {
    /** Empty: no Kafka; events stay in the spool (useful offline). */
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly topics: { readonly calls: string; readonly audit: string };
    /** A produce that takes longer is treated as failed and its batch spilled to disk. */
    readonly sendTimeoutMs: number;
    /** Absent: plaintext. */
    readonly tls?: GatewayKafkaTls;
    /** Absent: no authentication. */
    readonly sasl?: GatewayKafkaSasl;
  };
  readonly events: {
    readonly queueCapacity: number;
    readonly batchSize: number;
    readonly spool: {
      readonly dir: string;
      readonly maxBytes: number;
      readonly segmentBytes: number;
      readonly overflow: SpoolOverflow;
      readonly fsync: SpoolFsync;
      readonly fsyncIntervalMs: number;
    };
  };
  readonly restart: { readonly initialDelayMs: number; readonly maxDelayMs: number };
  /** Payload capture (sealed per org); no rules: off. */
  readonly capture: CaptureConfig;
}
