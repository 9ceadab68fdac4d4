import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LedgerError,
  MalformedExportError,
  exportCheckpointLine,
  exportEndLine,
  exportHeaderLine,
  exportRowLine,
  parseLedgerExport,
  verifyLedger,
} from '../index.ts';
import { buildLedger, keyring, ORG } from '../verify/ledger-fixture.testing.ts';

const ledger = buildLedger();
function exportText(rows = ledger.rows, checkpoints = ledger.checkpoints): string {
  return (
    exportHeaderLine(ORG) +
    checkpoints.map(exportCheckpointLine).join('') +
    rows.map(exportRowLine).join('') +
    exportEndLine({ checkpoints: checkpoints.length, rows: rows.length })
  );
}

function malformedAt(text: string, line: number, pattern: RegExp): void {
  assert.throws(
    () => parseLedgerExport(text),
    (e: unknown) => e instanceof MalformedExportError && e.code === 'MALFORMED_EXPORT' && e.line === line && pattern.test(e.message),
  );
}

test('an export round-trips: rows, checkpoints and org come back and verify', () => {
  const parsed = parseLedgerExport(exportText());
  assert.equal(parsed.org, ORG);
  assert.deepEqual(parsed.checkpoints, ledger.checkpoints);
  assert.deepEqual(parsed.rows.map(exportRowLine), ledger.rows.map(exportRowLine));
  const verdict = verifyLedger({ org: parsed.org, rows: parsed.rows, checkpoints: parsed.checkpoints, keyring });
  assert.equal(verdict.ok && verdict.signedSize, 40);
});

test('checkpoint and row lines may come in any order between header and end; CRLF is accepted', () => {
  const lines = exportText().split('\n');
  const reordered = [lines[0], ...lines.slice(5, 10), ...lines.slice(1, 5), ...lines.slice(10)].join('\r\n');
  const parsed = parseLedgerExport(reordered);
  assert.equal(parsed.rows.length, 40);
  assert.equal(parsed.checkpoints.length, 4);
});

test('a malformed line is named by its number', () => {
  const lines = exportText().split('\n');
  const at = (i: number, text: string) => [...lines.slice(0, i), text, ...lines.slice(i + 1)].join('\n');
  malformedAt(at(7, '{"seq":"2",'), 8, /line 8: not JSON/);
  malformedAt(at(7, ''), 8, /empty line/);
  malformedAt(at(7, '[1,2]'), 8, /not a JSON object/);
  malformedAt(at(7, lines[7]!.replace('"seq":"2"', '"seq":2')), 8, /not a ledger row.*seq/);
  malformedAt(at(7, `${lines[7]!.slice(0, -1)},"extra":1}`), 8, /unknown row field "extra"/);
  malformedAt(at(7, lines[7]!.replace(/"leaf_hash":"[0-9a-f]+"/, '"leaf_hash":"zz"')), 8, /leaf_hash/);
  malformedAt(at(2, '{"checkpoint":42}'), 3, /signed note text/);
  malformedAt(at(3, exportHeaderLine(ORG).trim()), 4, /second header/);
  malformedAt(at(0, '{"seq":"0"}'), 1, /first line must be the header/);
  malformedAt(at(0, '{"mcpg_ledger_export":3,"org":"acme"}'), 1, /unsupported export version 3/);
  // Version 2 is an export of a pruned ledger: it must say what was pruned, and only it may.
  malformedAt(at(0, '{"mcpg_ledger_export":2,"org":"acme"}'), 0, /version 2 export must declare its pruned range/);
  malformedAt(at(2, '{"pruned":{"tree_size":"2","frontier":[]}}'), 3, /"pruned" line needs export version 2/);
});

test('a file cut short, or with lines after the end, is never read as a shorter export', () => {
  const lines = exportText().split('\n');
  malformedAt(lines.slice(0, 30).join('\n'), 0, /incomplete: no end line after line 30/);
  malformedAt(lines.slice(0, 30).join('\n') + '\n', 0, /incomplete/);
  malformedAt('', 0, /empty file/);
  malformedAt(exportText() + exportRowLine(ledger.rows[0]!), 47, /after the end line/);
  malformedAt(exportText() + '\n', 47, /after the end line/);
  // a row removed but the end line left as written
  malformedAt([...lines.slice(0, 10), ...lines.slice(11)].join('\n'), 45, /announces 4 checkpoints and 40 rows, the file has 4 and 39/);
  malformedAt(exportText().replace('{"end":{"checkpoints":4,"rows":40}}', '{"end":{"rows":40}}'), 46, /"end" must be/);
});

test('MalformedExportError is a LedgerError with its own code', () => {
  const e = new MalformedExportError(3, 'x');
  assert.ok(e instanceof LedgerError);
  assert.equal(e.code, 'MALFORMED_EXPORT');
});
