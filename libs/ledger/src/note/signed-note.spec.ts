// Interop vectors: the example key and note of golang.org/x/mod/sumdb/note
// (the reference implementation C2SP signed-note comes from), reproduced byte
// for byte, and the verifier-key example of the C2SP spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatSignerKey,
  formatVerifierKey,
  keyIdHex,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  signerKeyFromSeed,
  verifyNote,
  LedgerError,
  type NoteVerifierKey,
} from '../index.ts';

const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

const code = (c: string) => (e: unknown) => e instanceof LedgerError && e.code === c;
const only = (key: NoteVerifierKey) => (name: string, id: number) =>
  name === key.name && id === key.keyId ? key : undefined;

test('the Go reference key and note are reproduced byte for byte', () => {
  const signer = parseSignerKey(GO_SKEY);
  assert.equal(keyIdHex(signer.keyId), 'c74f20a3');
  assert.equal(formatSignerKey(signer), GO_SKEY);
  assert.equal(formatVerifierKey(signer), GO_VKEY);
  assert.equal(signNote(GO_TEXT, [signer]), GO_NOTE);
  const verified = verifyNote(GO_NOTE, only(parseVerifierKey(GO_VKEY)));
  assert.equal(verified.text, GO_TEXT);
  assert.equal(verified.verifiedBy[0]?.name, 'PeterNeumann');
});

test('the C2SP spec example verifies with its verifier key', () => {
  const key = parseVerifierKey(SPEC_VKEY);
  assert.equal(formatVerifierKey(key), SPEC_VKEY);
  assert.equal(verifyNote(SPEC_NOTE, only(key)).text, 'This is an example message.\n');
});

test('unknown keys are skipped; no known signature is UNKNOWN_KEY; a failing known one is BAD_SIGNATURE', () => {
  const peter = parseVerifierKey(GO_VKEY);
  const other = signerKeyFromSeed('example.com/other', new Uint8Array(32).fill(9));
  const cosigned = signNote(GO_TEXT, [other, parseSignerKey(GO_SKEY)]);
  assert.equal(verifyNote(cosigned, only(peter)).verifiedBy.length, 1, 'the unknown signature is ignored');
  assert.throws(() => verifyNote(GO_NOTE, only(other)), code('UNKNOWN_KEY'));
  // Same name, other key id: a different key, so unknown rather than bad.
  assert.throws(() => verifyNote(GO_NOTE, only({ ...peter, keyId: peter.keyId ^ 1 })), code('UNKNOWN_KEY'));
  const altered = GO_NOTE.replace('cryptography', 'cryptographY');
  assert.throws(() => verifyNote(altered, only(peter)), code('BAD_SIGNATURE'));
});

test('note syntax is exact: anything off by a byte is MALFORMED_NOTE', () => {
  const sig = GO_NOTE.slice(GO_TEXT.length + 1);
  const bad: [string, string][] = [
    ['no blank line', GO_TEXT + sig],
    ['no final newline', GO_NOTE.slice(0, -1)],
    ['two spaces after the dash', GO_NOTE.replace('\u2014 ', '\u2014  ')],
    ['two spaces before the signature', GO_NOTE.replace('PeterNeumann x08', 'PeterNeumann  x08')],
    ['trailing space', GO_NOTE.replace('AM=\n', 'AM= \n')],
    ['hyphen instead of em dash', GO_NOTE.replace('\u2014', '-')],
    ['carriage return', GO_NOTE.replace('problem,\n', 'problem,\r\n')],
    ['tab', GO_NOTE.replace('If you', 'If\tyou')],
    ['base64 without padding', GO_NOTE.replace('AM=\n', 'AM\n')],
    ['base64url alphabet', GO_NOTE.replace('x08go/', 'x08go_')],
    ['non-zero padding bits', GO_NOTE.replace('AM=\n', 'AN=\n')],
    ['signature too short', `${GO_TEXT}\n\u2014 PeterNeumann AAAA\n`],
    ['empty name', GO_NOTE.replace('\u2014 PeterNeumann', '\u2014 ')],
    ['name with plus', GO_NOTE.replace('PeterNeumann', 'Peter+Neumann')],
    ['the same key twice', GO_NOTE + sig],
    ['empty signature block', `${GO_TEXT}\n`],
    ['lone surrogate', GO_NOTE.replace('If', '\uD800')],
  ];
  for (const [name, note] of bad) assert.throws(() => parseNote(note), code('MALFORMED_NOTE'), name);
  assert.throws(() => signNote('no newline', [parseSignerKey(GO_SKEY)]), code('MALFORMED_NOTE'));
  assert.throws(() => signNote(GO_TEXT, []), code('INVALID_ARGUMENT'));
});

test('a note text may contain blank lines: the last one separates the signatures', () => {
  const signer = parseSignerKey(GO_SKEY);
  const text = 'first\n\nsecond\n';
  const note = signNote(text, [signer]);
  assert.equal(parseNote(note).text, text);
  assert.equal(verifyNote(note, only(signer)).text, text);
});
