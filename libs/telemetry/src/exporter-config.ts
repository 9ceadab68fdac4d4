// A trace export configuration, as an operator writes it (environment, a
// watched file, the admin endpoint), checked and resolved against the
// presets. Everything that can be wrong is found here, before any exporter is
// built, so a bad configuration is refused whole and the running one stays.
// Header values are secrets: no message here ever contains one, and
// `describeTracingConfig` masks them.
import { parse as parseYaml } from 'yaml';
import { EXPORTER_PRESETS, OTLP_PROTOCOLS, PRESETS, type ExporterPresetName, type OtlpProtocol } from './exporter-presets.ts';
import { TelemetryError } from './telemetry-errors.ts';

/** What an operator writes. Every field is optional; an empty object turns export off. */
export interface TracingConfigInput {
  readonly preset?: string;
  readonly protocol?: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly sampleRate?: number;
}

/** A checked configuration. `endpoint: null` means spans are not exported. */
export interface TracingConfig {
  readonly preset: ExporterPresetName;
  readonly protocol: OtlpProtocol;
  readonly endpoint: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly sampleRate: number;
}

/** A configuration safe to show: header values and any query string masked. */
export interface TracingConfigView {
  readonly exporting: boolean;
  readonly preset: ExporterPresetName;
  readonly protocol: OtlpProtocol;
  readonly endpoint: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly sampleRate: number;
}

export const TRACING_OFF: TracingConfig = { preset: 'custom', protocol: 'http/protobuf', endpoint: null, headers: {}, sampleRate: 1 };

const KEYS = new Set(['preset', 'protocol', 'endpoint', 'region', 'headers', 'sampleRate']);
/** RFC 9110 field-name token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
/** gRPC metadata keys: lowercase, and not the `-bin` binary form. */
const GRPC_KEY = /^[0-9a-z_.-]{1,128}$/;
/** Visible ASCII, space and tab: no CR/LF (header injection), no control bytes. */
const HEADER_VALUE = /^[\t\x20-\x7e]{1,8192}$/;
const MAX_HEADERS = 32;

const invalid = (message: string): never => {
  throw new TelemetryError('INVALID_TRACING_CONFIG', message);
};

/** Checks and resolves a configuration; throws a TelemetryError naming the first problem. */
export function resolveTracingConfig(raw: unknown): TracingConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid('the tracing configuration must be an object');
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) if (!KEYS.has(key)) invalid(`unknown tracing setting ${JSON.stringify(key)} (known: ${[...KEYS].join(', ')})`);

  const presetName = input.preset ?? 'custom';
  if (typeof presetName !== 'string' || !(EXPORTER_PRESETS as readonly string[]).includes(presetName)) {
    invalid(`preset must be one of ${EXPORTER_PRESETS.join(', ')}`);
  }
  const preset = PRESETS[presetName as ExporterPresetName];
  const protocol = input.protocol ?? preset.defaultProtocol;
  if (typeof protocol !== 'string' || !(OTLP_PROTOCOLS as readonly string[]).includes(protocol)) invalid(`protocol must be one of ${OTLP_PROTOCOLS.join(', ')}`);
  if (!(preset.protocols as readonly string[]).includes(protocol as string)) invalid(`the ${preset.name} preset takes ${preset.protocols.join(' or ')}, not ${String(protocol)}`);
  const proto = protocol as OtlpProtocol;

  const sampleRate = input.sampleRate ?? 1;
  if (typeof sampleRate !== 'number' || !Number.isFinite(sampleRate) || sampleRate < 0 || sampleRate > 1) invalid('sampleRate must be a number from 0 to 1');

  const endpoint = resolveEndpoint(preset.name, proto, input.endpoint, input.region);
  const headers = checkHeaders(input.headers, proto);
  if (endpoint === null) {
    if (Object.keys(headers).length > 0) invalid('headers are set but no endpoint: give endpoint (or a preset that has one)');
    return { ...TRACING_OFF, sampleRate: sampleRate as number };
  }
  for (const req of preset.requiredHeaders) {
    const found = Object.entries(headers).find(([k]) => k.toLowerCase() === req.name.toLowerCase());
    if (!found) invalid(`the ${preset.name} preset needs header ${req.name}: ${req.what}`);
    if (req.pattern && !req.pattern.test(found![1])) invalid(`header ${req.name} of the ${preset.name} preset must be ${req.what}`);
  }
  return { preset: preset.name, protocol: proto, endpoint, headers, sampleRate: sampleRate as number };
}

function resolveEndpoint(presetName: ExporterPresetName, protocol: OtlpProtocol, endpoint: unknown, region: unknown): string | null {
  const preset = PRESETS[presetName];
  if (endpoint !== undefined && typeof endpoint !== 'string') invalid('endpoint must be a URL string');
  let url = endpoint as string | undefined;
  if (url === undefined || url === '') {
    const template = preset.endpoints[protocol];
    if (!template) {
      if (presetName === 'custom') return null;
      return invalid(`the ${presetName} preset needs endpoint: ${preset.note}`);
    }
    if (template.includes('{region}')) {
      const r = region ?? preset.region?.default;
      if (typeof r !== 'string' || r === '') return invalid(`the ${presetName} preset needs region: ${preset.region?.what ?? 'the account region'}`);
      if (preset.region && !preset.region.pattern.test(r)) return invalid(`region of the ${presetName} preset must be ${preset.region.what}`);
      url = template.replace('{region}', r);
    } else {
      url = template;
    }
  } else if (region !== undefined) {
    invalid('give either endpoint or region, not both');
  }
  return checkEndpoint(url, protocol);
}

function checkEndpoint(text: string, protocol: OtlpProtocol): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return invalid('endpoint is not a valid URL (e.g. http://127.0.0.1:4318/v1/traces)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') invalid(`endpoint must be http:// or https://, not ${url.protocol}`);
  if (!url.hostname) invalid('endpoint has no host');
  // Credentials in the URL would be shown wherever the endpoint is; they belong in headers.
  if (url.username || url.password) invalid('endpoint must not carry credentials (user:password@); put them in headers');
  if (protocol === 'grpc' && (url.pathname !== '/' || url.search)) invalid('a gRPC endpoint is scheme://host:port only (no path); the OTLP service name is implied');
  if (protocol === 'http/protobuf' && url.pathname === '/') invalid('an OTLP/HTTP endpoint needs the full traces path, e.g. /v1/traces');
  return url.toString();
}

function checkHeaders(raw: unknown, protocol: OtlpProtocol): Record<string, string> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return invalid('headers must be an object of name: value');
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_HEADERS) invalid(`at most ${MAX_HEADERS} headers`);
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name)) invalid(`header name ${JSON.stringify(name.slice(0, 64))} is not a valid HTTP header name`);
    if (protocol === 'grpc' && (!GRPC_KEY.test(name.toLowerCase()) || name.toLowerCase().endsWith('-bin'))) invalid(`header name ${name} is not a valid gRPC metadata key`);
    // The value is never quoted back: it is likely a key.
    if (typeof value !== 'string' || !HEADER_VALUE.test(value)) invalid(`header ${name} must have a non-empty value of printable ASCII (no line breaks)`);
    const lower = name.toLowerCase();
    if (seen.has(lower)) invalid(`header ${name} is given twice`);
    seen.add(lower);
    out[name] = value as string;
  }
  return out;
}

/** The configuration with secrets masked, for logs and the admin endpoint. */
export function describeTracingConfig(c: TracingConfig): TracingConfigView {
  let endpoint = c.endpoint;
  if (endpoint) {
    const u = new URL(endpoint);
    if (u.search) u.search = '?***';
    endpoint = u.toString();
  }
  return {
    exporting: c.endpoint !== null,
    preset: c.preset,
    protocol: c.protocol,
    endpoint,
    headers: Object.fromEntries(Object.keys(c.headers).map((k) => [k, '***'])),
    sampleRate: c.sampleRate,
  };
}

/** Parses a tracing config file (YAML or JSON; JSON is YAML) and resolves it. */
export function parseTracingConfigText(text: string, where: string): TracingConfig {
  let doc: unknown;
  try {
    doc = text.trim() === '' ? {} : parseYaml(text);
  } catch (e) {
    throw new TelemetryError('INVALID_TRACING_CONFIG', `${where}: not YAML or JSON (${e instanceof Error ? e.message.split('\n')[0] : 'parse error'})`);
  }
  try {
    return resolveTracingConfig(doc ?? {});
  } catch (e) {
    if (e instanceof TelemetryError) throw new TelemetryError(e.code, `${where}: ${e.message}`);
    throw e;
  }
}

/**
 * `name=value` pairs separated by commas, values percent-decoded (the form of
 * OTEL_EXPORTER_OTLP_HEADERS), for an environment variable.
 */
export function parseHeaderList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) invalid('headers must be name=value pairs separated by commas');
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return invalid(`the value of header ${part.slice(0, eq).trim()} is not valid percent-encoding`);
    }
    out[part.slice(0, eq).trim()] = value;
  }
  return out;
}
