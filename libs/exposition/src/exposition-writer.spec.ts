import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpositionError } from './errors.ts';
import { escapeHelp, escapeLabelValue } from './escape.ts';
import { BufferPool } from './buffer-pool.ts';
import { ExpositionWriter, type MetricFamily } from './exposition-writer.ts';
import { formatValue } from './format-value.ts';
import { encodeLabels, LabelSetCache, NO_ENCODED_LABELS } from './label-set-cache.ts';
import { labelRenderer, NO_LABELS, renderLabel, renderLabels, withLabel } from './labels.ts';

const code = (c: string) => (e: unknown) => e instanceof ExpositionError && e.code === c;

test('label values escape backslash, double quote and line feed, nothing else', () => {
  assert.equal(escapeLabelValue('plain'), 'plain');
  assert.equal(escapeLabelValue('C:\\dir'), 'C:\\\\dir');
  assert.equal(escapeLabelValue('say "hi"'), 'say \\"hi\\"');
  assert.equal(escapeLabelValue('two\nlines'), 'two\\nlines');
  assert.equal(escapeLabelValue('already \\n escaped'), 'already \\\\n escaped');
  assert.equal(escapeLabelValue('\\"\n'), '\\\\\\"\\n');
  // Carriage return, tab, NUL, braces, commas, '=' and non-ASCII pass through.
  assert.equal(escapeLabelValue('a\r\tb\0c},{x="y"}ø🙂'), 'a\r\tb\0c},{x=\\"y\\"}ø🙂');
});

test('HELP text escapes backslash and line feed but keeps quotes', () => {
  assert.equal(escapeHelp('Calls "per" tool\\s\nsecond line'), 'Calls "per" tool\\\\s\\nsecond line');
});

test('numbers are formatted the way Prometheus parses them', () => {
  assert.equal(formatValue(0), '0');
  assert.equal(formatValue(-0), '0');
  assert.equal(formatValue(42), '42');
  assert.equal(formatValue(0.1), '0.1');
  assert.equal(formatValue(1e21), '1e+21');
  assert.equal(formatValue(5e-7), '5e-7');
  assert.equal(formatValue(Number.MAX_SAFE_INTEGER), '9007199254740991');
  assert.equal(formatValue(Infinity), '+Inf');
  assert.equal(formatValue(-Infinity), '-Inf');
  assert.equal(formatValue(NaN), 'NaN');
  assert.equal(formatValue(18446744073709551615n), '18446744073709551615');
});

test('metric and label names are validated', () => {
  const w = new ExpositionWriter();
  for (const bad of ['', '1abc', 'a-b', 'a b', 'ø', 'a{b}']) {
    assert.throws(() => w.family({ name: bad, help: '', type: 'counter' }), code('INVALID_METRIC_NAME'), bad);
  }
  w.family({ name: 'ns:sub_metric_total', help: '', type: 'counter' });
  for (const bad of ['', '1a', 'a:b', 'a-b', '__name__', '__x']) {
    assert.throws(() => labelRenderer([bad]), code('INVALID_LABEL_NAME'), bad);
  }
  assert.throws(() => labelRenderer(['org', 'org']), code('INVALID_LABEL_NAME'));
  assert.throws(() => withLabel(NO_LABELS, 'quan-tile', '0.5'), code('INVALID_LABEL_NAME'));
  assert.throws(() => renderLabel('__le', '1'), code('INVALID_LABEL_NAME'));
});

test('families: HELP and TYPE once, samples grouped, no interleaving or repeats', () => {
  const labels = labelRenderer(['org', 'tool']);
  const a = labels(['acme', 'search']);
  const b = labels(['acme', 'say "hi"\\\n']);
  const text = new ExpositionWriter()
    .family({ name: 'mcpg_tool_calls_total', help: 'Tool calls.\nAll of them.', type: 'counter' })
    .sample(a, 3)
    .sample(b, 1)
    .family({ name: 'mcpg_empty_total', help: 'No samples yet', type: 'counter' })
    .family({ name: 'mcpg_latency_ms', help: 'Latency', type: 'summary' })
    .sampleWith(a, renderLabel('quantile', '0.99'), 12.5)
    .sample(withLabel(a, 'quantile', '1'), 20)
    .sample(a, 40, '_sum')
    .sample(a, 3, '_count')
    .family({ name: 'mcpg_up', help: 'Up', type: 'gauge' })
    .sample(NO_LABELS, 1)
    .sampleWith(NO_LABELS, renderLabel('le', '+Inf'), 2, '_bucket')
    .text();
  assert.equal(
    text,
    [
      '# HELP mcpg_tool_calls_total Tool calls.\\nAll of them.',
      '# TYPE mcpg_tool_calls_total counter',
      'mcpg_tool_calls_total{org="acme",tool="search"} 3',
      'mcpg_tool_calls_total{org="acme",tool="say \\"hi\\"\\\\\\n"} 1',
      '# HELP mcpg_empty_total No samples yet',
      '# TYPE mcpg_empty_total counter',
      '# HELP mcpg_latency_ms Latency',
      '# TYPE mcpg_latency_ms summary',
      'mcpg_latency_ms{org="acme",tool="search",quantile="0.99"} 12.5',
      'mcpg_latency_ms{org="acme",tool="search",quantile="1"} 20',
      'mcpg_latency_ms_sum{org="acme",tool="search"} 40',
      'mcpg_latency_ms_count{org="acme",tool="search"} 3',
      '# HELP mcpg_up Up',
      '# TYPE mcpg_up gauge',
      'mcpg_up 1',
      'mcpg_up_bucket{le="+Inf"} 2',
      '',
    ].join('\n'),
  );
  const w = new ExpositionWriter().family({ name: 'x_total', help: '', type: 'counter' });
  assert.throws(() => w.family({ name: 'x_total', help: '', type: 'counter' }), code('DUPLICATE_FAMILY'));
  assert.throws(() => new ExpositionWriter().sample(NO_LABELS, 1), code('NO_FAMILY'));
  assert.throws(() => new ExpositionWriter().sampleWith(NO_LABELS, renderLabel('a', 'b'), 1), code('NO_FAMILY'));
});

test('renderLabels keeps key order', () => {
  assert.equal(renderLabels({ b: '1', a: '"' }), 'b="1",a="\\""');
  assert.equal(renderLabels({}), '');
});

// A reference reader for sample lines, written from the format description,
// to check that any value survives escaping: parse(render(v)) === v.
function parseSampleLine(line: string): { name: string; labels: Record<string, string>; value: string } {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/s.exec(line);
  assert.ok(m, `unparseable line ${JSON.stringify(line)}`);
  const labels: Record<string, string> = {};
  const body = m[2] ?? '';
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('="', i);
    const name = body.slice(i, eq);
    let j = eq + 2;
    let value = '';
    for (;;) {
      const c = body[j];
      assert.ok(c !== undefined, 'unterminated label value');
      if (c === '"') break;
      assert.notEqual(c, '\n', 'raw line feed inside a label value');
      if (c === '\\') {
        const n = body[j + 1];
        assert.ok(n === '\\' || n === '"' || n === 'n', `bad escape \\${n}`);
        value += n === 'n' ? '\n' : n;
        j += 2;
      } else {
        value += c;
        j++;
      }
    }
    labels[name] = value;
    i = j + 1;
    if (body[i] === ',') i++;
  }
  return { name: m[1] as string, labels, value: m[3] as string };
}

test('nasty label values round-trip through a reference parser', () => {
  const alphabet = ['\\', '"', '\n', '\r', '\0', '{', '}', ',', '=', ' ', 'a', 'ø', '🙂', '\\n', '#', "'"];
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const render = labelRenderer(['org', 'workspace', 'plugin', 'tool']);
  const w = new ExpositionWriter().family({ name: 'mcpg_tool_calls_total', help: 'h', type: 'counter' });
  const sets: string[][] = [];
  for (let k = 0; k < 500; k++) {
    const set = Array.from({ length: 4 }, () => Array.from({ length: rand(8) }, () => alphabet[rand(alphabet.length)]).join(''));
    sets.push(set);
    w.sample(render(set), k);
  }
  const lines = w.text().split('\n').slice(2, -1);
  assert.equal(lines.length, sets.length);
  lines.forEach((line, k) => {
    const got = parseSampleLine(line);
    const set = sets[k] as string[];
    assert.deepEqual(got, {
      name: 'mcpg_tool_calls_total',
      labels: { org: set[0], workspace: set[1], plugin: set[2], tool: set[3] },
      value: String(k),
    });
  });
});

const CALLS: MetricFamily = { name: 'mcpg_tool_calls_total', help: 'Calls', type: 'counter' };
const LATENCY: MetricFamily = { name: 'mcpg_tool_latency_ms', help: 'Latency', type: 'summary' };

test('pre-encoded label sets, label strings and samples() write the same bytes', () => {
  const names = ['org', 'tool'];
  const values = [
    ['acme', 'search'],
    ['acme', 'say "hi"\\\n'],
    ['acme', 'ø🙂'],
  ];
  const render = labelRenderer(names);
  const cache = new LabelSetCache(names);
  const strings = values.map((v) => render(v));
  const encoded = values.map((v) => cache.get(v));
  const q99 = renderLabel('quantile', '0.99');

  const byString = new ExpositionWriter().family(CALLS);
  strings.forEach((l, i) => byString.sample(l, i * 1000));
  byString.family(LATENCY);
  strings.forEach((l) => byString.sampleWith(l, q99, 12.345));
  strings.forEach((l, i) => byString.sample(l, i, '_count'));

  const byEncoded = new ExpositionWriter().family(CALLS);
  encoded.forEach((l, i) => byEncoded.sample(l, i * 1000));
  byEncoded.family(LATENCY);
  encoded.forEach((l) => byEncoded.sampleWith(l, q99, 12.345));
  encoded.forEach((l, i) => byEncoded.sample(l, i, '_count'));

  const batched = new ExpositionWriter()
    .family(CALLS)
    .samples(encoded, [0, 1000, 2000])
    .family(LATENCY)
    .samples(encoded, [12.345, 12.345, 12.345], q99)
    .samples(encoded, (i) => i, undefined, '_count');

  assert.equal(byEncoded.text(), byString.text());
  assert.ok(batched.bytes().equals(byString.bytes()));
  assert.ok(byString.bytes().equals(Buffer.from(byString.text(), 'utf8')));
  assert.match(byString.text(), /^mcpg_tool_latency_ms\{org="acme",tool="search",quantile="0.99"\} 12.345$/m);
});

test('empty label sets: no braces, or just the extra label', () => {
  const text = new ExpositionWriter()
    .family(CALLS)
    .sample(NO_ENCODED_LABELS, 1)
    .samples([NO_ENCODED_LABELS], [2])
    .samples([NO_ENCODED_LABELS], [3], renderLabel('direction', 'in'))
    .sampleWith(NO_ENCODED_LABELS, renderLabel('direction', 'out'), 4)
    .text();
  assert.equal(
    text,
    '# HELP mcpg_tool_calls_total Calls\n# TYPE mcpg_tool_calls_total counter\n' +
      'mcpg_tool_calls_total 1\nmcpg_tool_calls_total 2\nmcpg_tool_calls_total{direction="in"} 3\nmcpg_tool_calls_total{direction="out"} 4\n',
  );
  assert.throws(() => new ExpositionWriter().family(CALLS).samples([NO_ENCODED_LABELS], []), RangeError);
  assert.throws(() => new ExpositionWriter().samples([], []), code('NO_FAMILY'));
});

test('a lone surrogate in a label value goes out as U+FFFD, so the bytes are valid UTF-8', () => {
  const bad = '\ud800x';
  const a = new ExpositionWriter().family(CALLS).sample(renderLabels({ tool: bad }), 1).bytes();
  const b = new ExpositionWriter().family(CALLS).sample(encodeLabels(renderLabels({ tool: bad })), 1).bytes();
  assert.ok(a.equals(b));
  assert.match(a.toString('utf8'), /tool="\ufffdx"/);
  assert.ok(a.includes(Buffer.from([0xef, 0xbf, 0xbd])));
});

test('the buffer grows past its initial size without losing bytes', () => {
  const cache = new LabelSetCache(['tool']);
  const labels = Array.from({ length: 5_000 }, (_, i) => cache.get([`tool_${i}_${'x'.repeat(i % 300)}`]));
  const values = labels.map((_, i) => i * 7);
  const small = new ExpositionWriter({ initialBytes: 1 }).family(CALLS).samples(labels, values);
  const large = new ExpositionWriter({ initialBytes: 8 << 20 }).family(CALLS).samples(labels, values);
  assert.ok(small.bytes().equals(large.bytes()));
  assert.equal(small.byteLength, large.byteLength);
  assert.equal(small.text().split('\n').length, 5_000 + 3);
});

test('a pooled buffer is reused after release, holds no stale bytes, and a released writer refuses writes', () => {
  const pool = new BufferPool(1);
  const first = new ExpositionWriter({ pool }).family(CALLS).sample(renderLabels({ tool: 'a-long-tool-name' }), 123456789);
  const firstBytes = first.bytes();
  first.release();
  first.release(); // idempotent
  assert.throws(() => first.sample(NO_LABELS, 1), code('RELEASED'));
  assert.throws(() => first.text(), code('RELEASED'));

  const second = new ExpositionWriter({ pool }).family(CALLS).sample(NO_LABELS, 1);
  assert.equal(second.bytes().buffer, firstBytes.buffer, 'same memory');
  assert.equal(second.text(), '# HELP mcpg_tool_calls_total Calls\n# TYPE mcpg_tool_calls_total counter\nmcpg_tool_calls_total 1\n');
  // Only idle buffers are handed out: while `second` holds it, a third writer gets its own.
  const third = new ExpositionWriter({ pool }).family(CALLS);
  assert.notEqual(third.bytes().buffer, second.bytes().buffer);
  new ExpositionWriter().release(); // no pool: nothing to do
});
