import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsingCanonicalForm } from './canonical-form.ts';
import { CRC64_AVRO_EMPTY, crc64Avro, crc64AvroBytes } from './crc64-avro.ts';

// Vectors from the Avro project's shared test data (share/test/data/schema-tests.txt),
// which the Java implementation cross-checks against a slow direct implementation.
// Fingerprints there are Java signed longs; `undefined` where the file gives none.
const VECTORS: ReadonlyArray<readonly [input: string, canonical: string, fingerprint?: bigint]> = [
  ['"null"', '"null"', 7195948357588979594n],
  ['{"type":"null"}', '"null"'],
  ['"boolean"', '"boolean"', -6970731678124411036n],
  ['"int"', '"int"', 8247732601305521295n],
  ['{"type":"int"}', '"int"'],
  ['"long"', '"long"', -3434872931120570953n],
  ['"float"', '"float"', 5583340709985441680n],
  ['"double"', '"double"', -8181574048448539266n],
  ['"bytes"', '"bytes"', 5746618253357095269n],
  ['"string"', '"string"', -8142146995180207161n],
  ['[  ]', '[]', -1241056759729112623n],
  ['[ "int"  ]', '["int"]', -5232228896498058493n],
  ['[ "int" , {"type":"boolean"} ]', '["int","boolean"]', 5392556393470105090n],
  ['{"fields":[], "type":"record", "name":"foo"}', '{"name":"foo","type":"record","fields":[]}', -4824392279771201922n],
  [
    '{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}',
    '{"name":"x.y.foo","type":"record","fields":[]}',
    5916914534497305771n,
  ],
  [
    '{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}',
    '{"name":"a.b.foo","type":"record","fields":[]}',
    -4616218487480524110n,
  ],
  [
    '{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}',
    '{"name":"foo","type":"record","fields":[]}',
    -4824392279771201922n,
  ],
  [
    '{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}',
    7843277075252814651n,
  ],
  [
    '{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":"true"}, {"order":"descending","name":"f2","doc":"Hello","type":"int"}], "type":"record", "name":"foo" }',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    -4860222112080293046n,
  ],
  ['{"type":"enum", "name":"foo", "symbols":["A1"]}', '{"name":"foo","type":"enum","symbols":["A1"]}', -6342190197741309591n],
  [
    '{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}',
    '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}',
    -4448647247586288245n,
  ],
  ['{"name":"foo","type":"fixed","size":15}', '{"name":"foo","type":"fixed","size":15}', 1756455273707447556n],
  [
    '{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}',
    '{"name":"x.y.z.foo","type":"fixed","size":32}',
    -3064184465700546786n,
  ],
  ['{ "items":{"type":"null"}, "type":"array"}', '{"type":"array","items":"null"}', -589620603366471059n],
  ['{ "values":"string", "type":"map"}', '{"type":"map","values":"string"}', -8732877298790414990n],
  [
    '{"name":"PigValue","type":"record", "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}',
    '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
    -1759257747318642341n,
  ],
];

test('CRC-64-AVRO of the empty string is the seed', () => {
  assert.equal(crc64Avro(new Uint8Array()), CRC64_AVRO_EMPTY);
});

test('canonical form and fingerprint match the Avro project vectors', () => {
  for (const [input, canonical, fingerprint] of VECTORS) {
    const pcf = parsingCanonicalForm(JSON.parse(input));
    assert.equal(pcf, canonical, input);
    if (fingerprint !== undefined) assert.equal(BigInt.asIntN(64, crc64Avro(Buffer.from(pcf))), fingerprint, input);
  }
});

test('the fingerprint travels little-endian (the single-object header of "int" from the Avro Ruby tests)', () => {
  assert.equal(crc64AvroBytes(Buffer.from('"int"')).toString('hex'), '8f5c393f1ad57572');
});

test('logical types, defaults and docs do not change the canonical form', () => {
  const pcf = parsingCanonicalForm({
    type: 'record',
    name: 'R',
    namespace: 'n',
    doc: 'd',
    fields: [
      { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' }, doc: 'x' },
      { name: 'e', type: { type: 'enum', name: 'E', symbols: ['a', 'b'], default: 'a' }, default: 'b' },
      { name: 'e2', type: 'E' },
      { name: 'o', type: { type: 'record', name: 'other.O', fields: [{ name: 'x', type: 'n.E' }] } },
    ],
  });
  assert.equal(
    pcf,
    '{"name":"n.R","type":"record","fields":[{"name":"at","type":"long"},' +
      '{"name":"e","type":{"name":"n.E","type":"enum","symbols":["a","b"]}},{"name":"e2","type":"n.E"},' +
      '{"name":"o","type":{"name":"other.O","type":"record","fields":[{"name":"x","type":"n.E"}]}}]}',
  );
});
