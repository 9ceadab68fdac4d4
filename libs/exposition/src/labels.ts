// Label sets rendered once, reused for every series that carries them
// (`org="a",workspace="b"` without braces, so a per-series label such as
// `quantile` or `direction` is appended with one concatenation).
import { escapeLabelValue } from './escape.ts';
import { ExpositionError } from './errors.ts';
import { assertLabelName } from './names.ts';

/** A rendered, escaped label list. Only this module makes one, so a raw string cannot slip in. */
export type RenderedLabels = string & { readonly __brand: 'RenderedLabels' };

export const NO_LABELS = '' as RenderedLabels;

/**
 * Compiles a renderer for a fixed list of label names: names are validated
 * once here, and each call only escapes and joins the values (in name order).
 */
export function labelRenderer(names: readonly string[]): (values: readonly string[]) => RenderedLabels {
  const seen = new Set<string>();
  for (const name of names) {
    assertLabelName(name);
    if (seen.has(name)) throw new ExpositionError('INVALID_LABEL_NAME', `label ${JSON.stringify(name)} listed twice`);
    seen.add(name);
  }
  const prefixes = names.map((name, i) => `${i === 0 ? '' : ','}${name}="`);
  const parts: string[] = new Array<string>(names.length * 3);
  return (values) => {
    for (let i = 0; i < prefixes.length; i++) {
      parts[i * 3] = prefixes[i] as string;
      parts[i * 3 + 1] = escapeLabelValue(values[i] ?? '');
      parts[i * 3 + 2] = '"';
    }
    // join() yields one flat string. Built with `+=` it would be a rope, and a
    // rope reused in six sample lines is walked again on every flatten of
    // the output (measured: 78 ms vs 16 ms for 10k sets × 6 series).
    return parts.join('') as RenderedLabels;
  };
}

/** Renders labels from an object, in its key order. For one-off sets; use labelRenderer in loops. */
export function renderLabels(labels: Readonly<Record<string, string>>): RenderedLabels {
  return labelRenderer(Object.keys(labels))(Object.values(labels));
}

/** One label rendered once (`quantile="0.99"`), for ExpositionWriter.sampleWith. */
export type RenderedLabel = string & { readonly __brand: 'RenderedLabel' };

export function renderLabel(name: string, value: string): RenderedLabel {
  assertLabelName(name);
  return `${name}="${escapeLabelValue(value)}"` as RenderedLabel;
}

/** `base` plus one more label, as a new set. In loops, prefer sampleWith with a RenderedLabel. */
export function withLabel(base: RenderedLabels, name: string, value: string): RenderedLabels {
  const one = renderLabel(name, value);
  return (base === '' ? one : `${base},${one}`) as string as RenderedLabels;
}
