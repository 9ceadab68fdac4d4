import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, csvLine } from './csv.ts';

test('RFC 4180 quoting: commas, quotes, CR and LF; CRLF line ends; empty for null', () => {
  assert.equal(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\r', null, undefined, 42, 1.5]), 'plain,"a,b","say ""hi""","two\nlines","cr\r",,,42,1.5\r\n');
  assert.equal(csvCell('ünïcode 🙂'), 'ünïcode 🙂');
});

test('cells a spreadsheet would run as a formula get a leading apostrophe', () => {
  for (const s of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
    const cell = csvCell(s);
    assert.ok(cell.startsWith("'") || cell.startsWith(`"'`), `${JSON.stringify(s)} → ${cell}`);
  }
  assert.equal(csvCell('=1,2'), `"'=1,2"`);
  assert.equal(csvCell(-5), '-5', 'numbers are data');
  assert.equal(csvCell('a=1'), 'a=1');
});
