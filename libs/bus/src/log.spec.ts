import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBusLog, type BusLogLevel } from './log.ts';

test('a pino-style logger is called fields first, message second', () => {
  const calls: Array<[string, object, string | undefined]> = [];
  const at = (level: BusLogLevel) => (fields: object, message?: string) => void calls.push([level, fields, message]);
  const logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
  toBusLog(logger)('warn', 'rebalancing', { groupId: 'g' });
  assert.deepEqual(calls, [['warn', { groupId: 'g' }, 'rebalancing']]);
});

test('a function is used as is; nothing means silence', () => {
  const fn = () => undefined;
  assert.equal(toBusLog(fn), fn);
  assert.doesNotThrow(() => toBusLog(undefined)('error', 'x'));
});
