// Builds a Prometheus text-format (0.0.4) exposition in one string: HELP and
// TYPE once per family, then that family's samples, families never
// interleaved (the format requires a family's lines to be together; the API
// makes interleaving impossible: a sample always belongs to the latest family).
import { ExpositionError } from './errors.ts';
import { escapeHelp } from './escape.ts';
import { formatValue } from './format-value.ts';
import type { RenderedLabels } from './labels.ts';
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
  // V8 concatenates strings as ropes and flattens once when the text is read:
  // measured faster than collecting parts in an array and joining.
  #out = '';
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
    this.#out += `# HELP ${def.name} ${escapeHelp(def.help)}\n# TYPE ${def.name} ${def.type}\n`;
    return this;
  }

  /** Writes one sample of the current family. */
  sample(labels: RenderedLabels, value: number | bigint, suffix: SampleSuffix = ''): this {
    const name = this.#family;
    if (name === undefined) throw new ExpositionError('NO_FAMILY', 'sample written before any family');
    this.#out += labels === '' ? `${name}${suffix} ${formatValue(value)}\n` : `${name}${suffix}{${labels}} ${formatValue(value)}\n`;
    return this;
  }

  text(): string {
    return this.#out;
  }
}
