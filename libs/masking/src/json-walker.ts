// Deep masking of a JSON value (tool arguments, results, error data). Keys give
// context text lacks: everything under a secret key is masked whatever it is,
// a random-looking value under a "weak" key (`key`, `signature`) is masked,
// and every other string goes through the text rules. Also the
// `{"name": "DB_PASSWORD", "value": "…"}` shape (Kubernetes env, ECS task
// definitions, AWS `{Key, Value}` tags and parameters) takes its secret-ness
// from the name.
//
// Copy-on-write: an unchanged subtree is returned as the same object, so the
// common case (no secret) allocates nothing; the input is never mutated.
import type { KeyVerdict } from './key-classifier.ts';

export interface WalkDeps {
  readonly classify: (key: string) => KeyVerdict;
  /** A string with no key context (or a non-secret key): the text rules. */
  readonly text: (s: string) => string;
  /** A string under a key: secret kind, weak, or null (then `text`). */
  readonly underKey: (s: string, verdict: KeyVerdict) => string;
  /** An object key: the text rules (keys rarely hold secrets, but a map of tokens does). */
  readonly key: (k: string) => string;
  /** A number or bigint under a secret key. */
  readonly scalar: (verdict: KeyVerdict) => string;
  readonly maxDepth: number;
  readonly depthMarker: string;
}

/** Keys whose sibling `value` is named by them: `{name, value}` / `{key, value}` pairs. */
const NAME_FIELDS = ['name', 'Name', 'key', 'Key'] as const;

export function jsonWalker(deps: WalkDeps): (value: unknown) => unknown {
  const walk = (v: unknown, verdict: KeyVerdict, depth: number): unknown => {
    if (typeof v === 'string') return verdict === null ? deps.text(v) : deps.underKey(v, verdict);
    if (v === null || typeof v !== 'object') {
      // Booleans and null carry no secret; numbers and bigints under a secret key do (PINs, account numbers).
      if ((typeof v === 'number' || typeof v === 'bigint') && verdict !== null && verdict !== 'weak') return deps.scalar(verdict);
      return v;
    }
    if (depth >= deps.maxDepth) return deps.depthMarker;
    const json = (v as { toJSON?: unknown }).toJSON;
    if (typeof json === 'function' && !Array.isArray(v)) return walk((json as () => unknown).call(v), verdict, depth);
    if (Array.isArray(v)) return walkArray(v, verdict, depth);
    return walkObject(v as Record<string, unknown>, verdict, depth);
  };

  const walkArray = (arr: readonly unknown[], verdict: KeyVerdict, depth: number): unknown => {
    let out: unknown[] | undefined;
    for (let i = 0; i < arr.length; i++) {
      const item = arr[i];
      const masked = walk(item, verdict, depth + 1);
      if (masked !== item && out === undefined) out = arr.slice(0, i);
      if (out !== undefined) out.push(masked);
    }
    return out ?? arr;
  };

  const walkObject = (obj: Record<string, unknown>, inherited: KeyVerdict, depth: number): unknown => {
    const pairVerdict = inherited === null ? namedValueVerdict(obj) : null;
    const keys = Object.keys(obj);
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const item = obj[key];
      const own = deps.classify(key);
      let verdict = childVerdict(own, inherited);
      if (pairVerdict !== null && (key === 'value' || key === 'Value')) verdict = childVerdict(pairVerdict, verdict);
      const masked = walk(item, verdict, depth + 1);
      const maskedKey = deps.key(key);
      if ((masked !== item || maskedKey !== key) && out === undefined) {
        out = {};
        for (let j = 0; j < i; j++) define(out, keys[j]!, obj[keys[j]!]);
      }
      if (out !== undefined) define(out, maskedKey, masked);
    }
    return out ?? obj;
  };

  const namedValueVerdict = (obj: Record<string, unknown>): KeyVerdict => {
    if (!Object.hasOwn(obj, 'value') && !Object.hasOwn(obj, 'Value')) return null;
    for (const f of NAME_FIELDS) {
      const name = obj[f];
      if (typeof name === 'string') return deps.classify(name);
    }
    return null;
  };

  return (value) => walk(value, null, 0);
}

/**
 * A secret parent makes everything below it secret: a child key may name a
 * more specific kind, but a weak or plain child key cannot unmask it.
 */
function childVerdict(own: KeyVerdict, inherited: KeyVerdict): KeyVerdict {
  if (isStrong(own)) return own;
  if (isStrong(inherited)) return inherited;
  return own ?? inherited;
}

// Top-level rather than a closure: a closure created per call costs a name
// assignment each time under tsx (esbuild keepNames), in the hottest loop.
function isStrong(v: KeyVerdict): boolean {
  return v !== null && v !== 'weak';
}

/** Own data property even for `__proto__` (JSON.parse makes it an ordinary key; assignment would set the prototype). */
function define(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}
