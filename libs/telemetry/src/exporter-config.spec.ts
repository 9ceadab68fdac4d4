import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeTracingConfig, parseHeaderList, parseTracingConfigText, resolveTracingConfig } from './exporter-config.ts';
import { EXPORTER_PRESETS, PRESETS } from './exporter-presets.ts';
import { TelemetryError } from './telemetry-errors.ts';

const refused = (raw: unknown, why: RegExp) =>
  assert.throws(
    () => resolveTracingConfig(raw),
    (e: unknown) => e instanceof TelemetryError && e.code === 'INVALID_TRACING_CONFIG' && why.test(e.message),
    JSON.stringify(raw),
  );

test('presets resolve to their endpoint, protocol and headers', () => {
  const grafana = resolveTracingConfig({ preset: 'grafana-cloud', region: 'prod-eu-west-2', headers: { Authorization: 'Basic MTIzOnRva2Vu' } });
  assert.equal(grafana.endpoint, 'https://otlp-gateway-prod-eu-west-2.grafana.net/otlp/v1/traces');
  assert.equal(grafana.protocol, 'http/protobuf');

  const nr = resolveTracingConfig({ preset: 'new-relic', headers: { 'api-key': 'k' } });
  assert.equal(nr.endpoint, 'https://otlp.nr-data.net/v1/traces', 'the US host by default');
  assert.equal(resolveTracingConfig({ preset: 'new-relic', protocol: 'grpc', region: 'otlp.eu01.nr-data.net', headers: { 'api-key': 'k' } }).endpoint, 'https://otlp.eu01.nr-data.net:4317/');

  const splunk = resolveTracingConfig({ preset: 'splunk', region: 'us1', headers: { 'X-SF-Token': 't' } });
  assert.equal(splunk.endpoint, 'https://ingest.us1.signalfx.com/v2/trace/otlp');
  assert.equal(resolveTracingConfig({ preset: 'splunk', protocol: 'grpc', region: 'eu0', headers: { 'X-SF-Token': 't' } }).endpoint, 'https://ingest.eu0.signalfx.com/');

  for (const name of ['aws-cloudwatch', 'google-cloud', 'azure-app-insights'] as const) {
    assert.equal(resolveTracingConfig({ preset: name }).endpoint, 'http://127.0.0.1:4318/v1/traces', `${name} goes through the local collector`);
    assert.equal(resolveTracingConfig({ preset: name, protocol: 'grpc' }).endpoint, 'http://127.0.0.1:4317/');
  }
  const dd = resolveTracingConfig({ preset: 'datadog', endpoint: 'https://intake.example/v1/traces', headers: { 'dd-api-key': 'k' } });
  assert.equal(dd.endpoint, 'https://intake.example/v1/traces');

  const custom = resolveTracingConfig({ endpoint: 'http://collector:4318/v1/traces', headers: { 'x-a': '1' }, sampleRate: 0.25 });
  assert.deepEqual(custom, { preset: 'custom', protocol: 'http/protobuf', endpoint: 'http://collector:4318/v1/traces', headers: { 'x-a': '1' }, sampleRate: 0.25 });
  assert.equal(resolveTracingConfig({}).endpoint, null, 'nothing configured: export off');
  assert.equal(resolveTracingConfig({ sampleRate: 0.5 }).sampleRate, 0.5);
});

test('every preset names its protocols, and a required header is asked for by name', () => {
  for (const name of EXPORTER_PRESETS) {
    const p = PRESETS[name];
    assert.ok(p.protocols.includes(p.defaultProtocol), name);
    assert.ok(p.note.length > 20, `${name} says what else is needed`);
    for (const h of p.requiredHeaders) {
      const base = { preset: name, ...(p.region && !p.region.default ? { region: name === 'splunk' ? 'us0' : 'prod-us-east-0' } : {}), ...(Object.keys(p.endpoints).length ? {} : { endpoint: 'https://x.example/v1/traces' }) };
      refused(base, new RegExp(`needs header ${h.name}`));
    }
  }
});

test('bad input is refused with what is wrong, never the value', () => {
  refused({ endpoint: 'nope' }, /not a valid URL/);
  refused({ endpoint: 'ftp://h/v1/traces' }, /http:\/\/ or https:\/\//);
  refused({ endpoint: 'http://user:pw@h/v1/traces' }, /must not carry credentials/);
  refused({ endpoint: 'http://h:4318/' }, /full traces path/);
  refused({ protocol: 'grpc', endpoint: 'http://h:4317/v1/traces' }, /no path/);
  refused({ protocol: 'thrift', endpoint: 'http://h/v1/traces' }, /protocol must be one of/);
  refused({ preset: 'jaeger' }, /preset must be one of/);
  refused({ preset: 'grafana-cloud', region: 'prod-us-east-0', headers: { Authorization: 'Bearer x' } }, /Authorization .* must be Basic/);
  refused({ preset: 'grafana-cloud', headers: { Authorization: 'Basic eA==' } }, /needs region/);
  refused({ preset: 'splunk', region: 'US 1!', headers: { 'X-SF-Token': 't' } }, /region of the splunk preset must be the realm/);
  refused({ preset: 'datadog', headers: { 'dd-api-key': 'k' } }, /needs endpoint/);
  refused({ endpoint: 'http://h/v1/traces', region: 'x' }, /either endpoint or region/);
  refused({ endpoint: 'http://h/v1/traces', headers: { 'a b': 'x' } }, /not a valid HTTP header name/);
  refused({ endpoint: 'http://h/v1/traces', headers: { a: 'x', A: 'y' } }, /given twice/);
  refused({ protocol: 'grpc', endpoint: 'http://h:4317', headers: { 'x-key-bin': 'x' } }, /gRPC metadata key/);
  refused({ endpoint: 'http://h/v1/traces', headers: { a: '' } }, /non-empty value/);
  refused({ headers: { a: '1' } }, /no endpoint/);
  refused({ endpoint: 'http://h/v1/traces', sampleRate: -0.1 }, /sampleRate/);
  refused({ endpoint: 'http://h/v1/traces', extra: 1 }, /unknown tracing setting "extra"/);
  refused([], /must be an object/);
  const secret = 'sk-live-1234567890';
  assert.throws(
    () => resolveTracingConfig({ endpoint: 'http://h/v1/traces', headers: { 'x-key': `${secret}\nInjected: yes` } }),
    (e: Error) => !e.message.includes(secret) && /x-key/.test(e.message),
  );
});

test('the view masks header values and a query string', () => {
  const view = describeTracingConfig(resolveTracingConfig({ endpoint: 'https://h/v1/traces?key=abc', headers: { 'api-key': 'abc' } }));
  assert.deepEqual(view, { exporting: true, preset: 'custom', protocol: 'http/protobuf', endpoint: 'https://h/v1/traces?***', headers: { 'api-key': '***' }, sampleRate: 1 });
  assert.ok(!JSON.stringify(view).includes('abc'));
});

test('config files are YAML or JSON; an error names the file; header lists parse like OTEL_EXPORTER_OTLP_HEADERS', () => {
  const y = parseTracingConfigText('preset: splunk\nregion: us0\nheaders:\n  X-SF-Token: t\nsampleRate: 0.1\n', 'tracing.yaml');
  assert.equal(y.endpoint, 'https://ingest.us0.signalfx.com/v2/trace/otlp');
  assert.equal(y.sampleRate, 0.1);
  assert.equal(parseTracingConfigText('{"endpoint": "http://h/v1/traces"}', 'tracing.json').endpoint, 'http://h/v1/traces');
  assert.equal(parseTracingConfigText('', 'empty.yaml').endpoint, null);
  assert.throws(() => parseTracingConfigText('endpoint: [', 'bad.yaml'), /^TelemetryError: bad\.yaml: not YAML or JSON/);
  assert.throws(() => parseTracingConfigText('endpoint: nope', 'bad.yaml'), /bad\.yaml: endpoint is not a valid URL/);
  assert.deepEqual(parseHeaderList('api-key=a%3Db, x-b = c ,'), { 'api-key': 'a=b', 'x-b': 'c' });
  assert.throws(() => parseHeaderList('novalue'), /name=value/);
});
