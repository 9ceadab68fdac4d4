import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBusError } from '../errors.ts';
import { assertJava17, capture } from './toolchain.ts';

test('a program missing from PATH is TOOLCHAIN_MISSING, saying what to install', async () => {
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    await assert.rejects(capture('mvn', ['-v']), (e: unknown) => isBusError(e, 'TOOLCHAIN_MISSING') && /Maven 3\.8\+/.test(e.message));
    await assert.rejects(assertJava17(), (e: unknown) => isBusError(e, 'TOOLCHAIN_MISSING') && /Java 17/.test(e.message));
  } finally {
    process.env.PATH = path;
  }
  // A failed check is not remembered: with java back on PATH it passes.
  await assertJava17();
});
