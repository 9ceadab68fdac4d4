// Label sets rendered and UTF-8 encoded once, then reused for every series
// that carries them and across scrapes: a fleet endpoint renders the same
// few thousand (org, workspace, plugin, tool) sets on every scrape, so
// escaping and encoding them each time is most of the work (DESIGN.md §10).
import { labelRenderer, NO_LABELS, type RenderedLabels } from './labels.ts';

/** A rendered label set (`org="a",tool="b"`, no braces) and its UTF-8 bytes. */
export interface EncodedLabels {
  readonly text: RenderedLabels;
  readonly bytes: Uint8Array;
}

export function encodeLabels(text: RenderedLabels): EncodedLabels {
  return { text, bytes: Buffer.from(text, 'utf8') };
}

export const NO_ENCODED_LABELS: EncodedLabels = Object.freeze({ text: NO_LABELS, bytes: new Uint8Array(0) });

type Level = Map<string, Level | EncodedLabels>;

/**
 * Label-value tuples → EncodedLabels, for a fixed list of label names.
 * Memory is bounded: two generations of at most maxEntries / 2 sets each;
 * a set not used for a whole generation is dropped and rendered again when
 * it comes back. Results never depend on what is cached.
 */
export class LabelSetCache {
  readonly #render: (values: readonly string[]) => RenderedLabels;
  readonly #depth: number;
  readonly #generationSize: number;
  #young: Level = new Map();
  #old: Level = new Map();
  #youngCount = 0;

  constructor(names: readonly string[], options: { readonly maxEntries?: number } = {}) {
    this.#render = labelRenderer(names);
    this.#depth = names.length;
    this.#generationSize = Math.max(1, Math.floor((options.maxEntries ?? 200_000) / 2));
  }

  /** The encoded set for `values` (one per label name, in order). */
  get(values: readonly string[]): EncodedLabels {
    if (this.#depth === 0) return NO_ENCODED_LABELS;
    const hit = find(this.#young, values, this.#depth);
    if (hit !== undefined) return hit;
    const labels = find(this.#old, values, this.#depth) ?? encodeLabels(this.#render(values));
    if (this.#youngCount >= this.#generationSize) {
      this.#old = this.#young;
      this.#young = new Map();
      this.#youngCount = 0;
    }
    insert(this.#young, values, this.#depth, labels);
    this.#youngCount++;
    return labels;
  }
}

// Nested maps, one level per label: no key string is built per lookup.
function find(root: Level, values: readonly string[], depth: number): EncodedLabels | undefined {
  let node: Level | EncodedLabels | undefined = root;
  for (let i = 0; i < depth; i++) {
    node = (node as Level).get(values[i] ?? '');
    if (node === undefined) return undefined;
  }
  return node as EncodedLabels;
}

function insert(root: Level, values: readonly string[], depth: number, labels: EncodedLabels): void {
  let node = root;
  for (let i = 0; i < depth - 1; i++) {
    const key = values[i] ?? '';
    let next = node.get(key) as Level | undefined;
    if (next === undefined) {
      next = new Map();
      node.set(key, next);
    }
    node = next;
  }
  node.set(values[depth - 1] ?? '', labels);
}
