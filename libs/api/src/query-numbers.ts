// Numbers in query strings are read strictly, for every route at once.
// fastify's validator coerces query text to numbers the way JavaScript does
// (`+" "` is 0), so a blank `to_seq=%20` would silently mean seq 0, `0x10`
// 16 and `1e309` Infinity. Before validation, this hook lets through only
// plain decimal text that is a finite number for each parameter a route's
// schema types as a number or integer; anything else is a 400 naming the
// parameter. The schema then checks range and integrality as before.
import type { FastifyInstance } from 'fastify';
import { invalidParameter } from './api-errors.ts';

const DECIMAL = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

interface PropertySchema {
  type?: string | readonly string[];
}

function isNumeric(schema: PropertySchema | undefined): boolean {
  const types = [schema?.type ?? []].flat();
  return types.includes('integer') || types.includes('number');
}

/** The route's query parameters typed as numbers (read from its schema once, then cached). */
const numericNames = new WeakMap<object, readonly string[]>();
function numericParameters(querystring: unknown): readonly string[] {
  if (!querystring || typeof querystring !== 'object') return [];
  let names = numericNames.get(querystring);
  if (!names) {
    const properties = (querystring as { properties?: Record<string, PropertySchema> }).properties ?? {};
    names = Object.entries(properties)
      .filter(([, s]) => isNumeric(s))
      .map(([name]) => name);
    numericNames.set(querystring, names);
  }
  return names;
}

/** Why `text` is not a number a query may carry, or undefined if it is one. */
export function numberTextProblem(text: string): string | undefined {
  if (text.trim() === '') return 'must be a number, not blank';
  if (!DECIMAL.test(text)) return 'must be a plain decimal number';
  if (!Number.isFinite(Number(text))) return 'must be a finite number';
  return undefined;
}

export function installQueryNumbers(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const names = numericParameters(request.routeOptions.schema?.querystring);
    if (names.length === 0) return;
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || typeof query !== 'object') return;
    for (const name of names) {
      for (const value of [query[name] ?? []].flat()) {
        const problem = typeof value === 'string' ? numberTextProblem(value) : undefined;
        if (problem !== undefined) throw invalidParameter(name, problem);
      }
    }
  });
}
