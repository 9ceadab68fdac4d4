// Where traces go for each supported backend: the endpoint (a template when
// it depends on the account's region), the OTLP protocols the backend takes,
// and the headers it requires. Data only; exporter-config.ts resolves a
// configuration against it. Backends that need request signing or OAuth (AWS
// SigV4, Google credentials) or that have no OTLP intake of their own (Azure
// Application Insights takes a connection string) cannot be reached by an
// OTLP exporter with static headers: their presets point at the vendor's
// collector on the same host, which holds the credentials, and say so.
// docs/operations.md "Tracing" documents each preset.

export const OTLP_PROTOCOLS = ['http/protobuf', 'grpc'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export const EXPORTER_PRESETS = ['custom', 'datadog', 'azure-app-insights', 'aws-cloudwatch', 'google-cloud', 'grafana-cloud', 'new-relic', 'splunk'] as const;
export type ExporterPresetName = (typeof EXPORTER_PRESETS)[number];

export interface RequiredHeader {
  readonly name: string;
  /** What the value is, for the error when it is missing. */
  readonly what: string;
  /** The value must match this (e.g. `Basic …`). */
  readonly pattern?: RegExp;
}

export interface ExporterPreset {
  readonly name: ExporterPresetName;
  readonly title: string;
  /** Endpoint per protocol; `{region}` is replaced by the configured region. Absent: the operator must give `endpoint`. */
  readonly endpoints: Partial<Record<OtlpProtocol, string>>;
  readonly protocols: readonly OtlpProtocol[];
  readonly defaultProtocol: OtlpProtocol;
  readonly requiredHeaders: readonly RequiredHeader[];
  /** What `region` means for this backend, when its endpoint has one. */
  readonly region?: { readonly what: string; readonly pattern: RegExp; readonly default?: string };
  /** One line for the docs and errors: what else the operator must run or know. */
  readonly note: string;
}

const LOCAL_COLLECTOR = { 'http/protobuf': 'http://127.0.0.1:4318/v1/traces', grpc: 'http://127.0.0.1:4317' } as const;

export const PRESETS: Readonly<Record<ExporterPresetName, ExporterPreset>> = {
  custom: {
    name: 'custom',
    title: 'Custom OTLP endpoint',
    endpoints: {},
    protocols: OTLP_PROTOCOLS,
    defaultProtocol: 'http/protobuf',
    requiredHeaders: [],
    note: 'Any OTLP receiver (an OpenTelemetry Collector, Jaeger, Tempo, a vendor agent): give endpoint and, if it wants them, headers.',
  },
  datadog: {
    name: 'datadog',
    title: 'Datadog (agentless OTLP traces intake)',
    endpoints: {},
    protocols: ['http/protobuf'],
    defaultProtocol: 'http/protobuf',
    requiredHeaders: [{ name: 'dd-api-key', what: 'a Datadog API key' }],
    note: 'The intake URL depends on the Datadog site (see Datadog\'s "OTLP Traces Intake Endpoint" page); it takes http/protobuf only. With a Datadog Agent on the host, use the custom preset and the Agent\'s OTLP receiver instead.',
  },
  'azure-app-insights': {
    name: 'azure-app-insights',
    title: 'Azure Application Insights (through a local OpenTelemetry Collector)',
    endpoints: LOCAL_COLLECTOR,
    protocols: OTLP_PROTOCOLS,
    defaultProtocol: 'http/protobuf',
    requiredHeaders: [],
    note: 'Application Insights is addressed by a connection string, not an OTLP endpoint: run an OpenTelemetry Collector (contrib) with the azuremonitor exporter and the connection string on the same host.',
  },
  'aws-cloudwatch': {
    name: 'aws-cloudwatch',
    title: 'AWS CloudWatch / X-Ray (through the ADOT collector)',
    endpoints: LOCAL_COLLECTOR,
    protocols: OTLP_PROTOCOLS,
    defaultProtocol: 'http/protobuf',
    requiredHeaders: [],
    note: 'The X-Ray OTLP endpoint (https://xray.<region>.amazonaws.com/v1/traces) needs SigV4-signed requests: run the AWS Distro for OpenTelemetry collector with the sigv4auth extension on the same host.',
  },
  'google-cloud': {
    name: 'google-cloud',
    title: 'Google Cloud Trace (through the Google-built OpenTelemetry Collector)',
    endpoints: LOCAL_COLLECTOR,
    protocols: OTLP_PROTOCOLS,
    defaultProtocol: 'http/protobuf',
    requiredHeaders: [],
    note: 'The Telemetry API (https://telemetry.googleapis.com) needs OAuth credentials: run the Google-built OpenTelemetry Collector (googleclientauth) on the same host.',
  },
  'grafana-cloud': {
    name: 'grafana-cloud',
    title: 'Grafana Cloud (OTLP gateway)',
    endpoints: { 'http/protobuf': 'https://otlp-gateway-{region}.grafana.net/otlp/v1/traces' },
    protocols: ['http/protobuf'],
    defaultProtocol: 'http/protobuf',
    requiredHeaders: [{ name: 'Authorization', what: 'Basic base64(<instance id>:<access policy token>)', pattern: /^Basic [A-Za-z0-9+/]+=*$/ }],
    region: { what: 'the stack\'s zone, e.g. prod-us-east-0', pattern: /^[a-z0-9-]{1,64}$/ },
    note: 'The zone and instance id are shown in the stack\'s OpenTelemetry panel; the token needs the traces:write scope.',
  },
  'new-relic': {
    name: 'new-relic',
    title: 'New Relic (native OTLP)',
    endpoints: { 'http/protobuf': 'https://{region}/v1/traces', grpc: 'https://{region}:4317' },
    protocols: OTLP_PROTOCOLS,
    defaultProtocol: 'http/protobuf',
    requiredHeaders: [{ name: 'api-key', what: 'a New Relic license (ingest) key' }],
    region: { what: 'the OTLP host: otlp.nr-data.net (US) or otlp.eu01.nr-data.net (EU)', pattern: /^otlp(\.[a-z0-9-]+)*\.nr-data\.net$/, default: 'otlp.nr-data.net' },
    note: 'New Relic recommends http/protobuf.',
  },
  splunk: {
    name: 'splunk',
    title: 'Splunk Observability Cloud',
    endpoints: { 'http/protobuf': 'https://ingest.{region}.signalfx.com/v2/trace/otlp', grpc: 'https://ingest.{region}.signalfx.com:443' },
    protocols: OTLP_PROTOCOLS,
    defaultProtocol: 'http/protobuf',
    requiredHeaders: [{ name: 'X-SF-Token', what: 'a Splunk Observability access token with ingest scope' }],
    region: { what: 'the realm, e.g. us0, us1, eu0', pattern: /^[a-z]{2}[0-9]{1,2}$/ },
    note: 'The realm is shown in the organisation\'s profile.',
  },
};
