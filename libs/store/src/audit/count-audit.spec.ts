import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overlapWindows } from './count-audit.ts';

test('overlap windows: the instants two or more parts cover, merged, closed at both ends', () => {
  assert.deepEqual(overlapWindows([]), []);
  assert.deepEqual(overlapWindows([{ lo: 0, hi: 10 }]), []);
  assert.deepEqual(overlapWindows([{ lo: 0, hi: 10 }, { lo: 11, hi: 20 }]), [], 'parts appended in time order');
  assert.deepEqual(overlapWindows([{ lo: 0, hi: 10 }, { lo: 10, hi: 20 }]), [{ lo: 10, hi: 10 }], 'a shared instant');
  assert.deepEqual(overlapWindows([{ lo: 11, hi: 20 }, { lo: 0, hi: 10 }, { lo: 5, hi: 15 }]), [{ lo: 5, hi: 10 }, { lo: 11, hi: 15 }]);
  assert.deepEqual(overlapWindows([{ lo: 0, hi: 10 }, { lo: 5, hi: 30 }, { lo: 8, hi: 20 }]), [{ lo: 5, hi: 20 }], 'three deep is still one window');
  assert.deepEqual(overlapWindows([{ lo: 0, hi: 100 }, { lo: 10, hi: 20 }, { lo: 50, hi: 60 }, { lo: 55, hi: 58 }]), [{ lo: 10, hi: 20 }, { lo: 50, hi: 60 }]);
});
