// Load control in the API's own metrics: how answers were given (computed,
// reused, shared with a concurrent request), requests waiting for the engine
// and refused with 503, per route class.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Admission, AdmittedClass } from './admission.ts';

export type AnswerHow = 'computed' | 'hit' | 'coalesced' | 'stale';

export function registerLoadMetrics(registry: Registry, admission: Admission): { answered(how: AnswerHow): void } {
  const answers = new Counter({
    name: 'http_answers_total',
    help: 'Answers of cacheable routes: computed, reused while their data had not changed (hit), shared with an identical concurrent request (coalesced), or the fleet endpoint\'s previous answer given while the next was computed (stale)',
    labelNames: ['how'],
    registers: [registry],
  });
  const classes: readonly AdmittedClass[] = ['fleet', 'query', 'stream'];
  new Gauge({
    name: 'http_engine_queue_requests',
    help: 'Requests waiting for an engine slot, by route class',
    labelNames: ['class'],
    registers: [registry],
    collect() {
      const s = admission.stats();
      for (const c of classes) this.set({ class: c }, s.queued[c]);
    },
  });
  new Gauge({
    name: 'http_engine_running_requests',
    help: 'Requests holding an engine slot',
    registers: [registry],
    collect() {
      this.set(admission.stats().running);
    },
  });
  new Counter({
    name: 'http_requests_refused_total',
    help: 'Requests answered 503 OVERLOADED because their class\'s engine queue was full',
    labelNames: ['class'],
    registers: [registry],
    collect() {
      const s = admission.stats();
      this.reset();
      for (const c of classes) this.inc({ class: c }, s.rejected[c]);
    },
  });
  return { answered: (how) => answers.inc({ how }) };
}
