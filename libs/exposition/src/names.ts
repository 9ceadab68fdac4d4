import { ExpositionError } from './errors.ts';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function assertMetricName(name: string): void {
  if (!METRIC_NAME.test(name)) {
    throw new ExpositionError('INVALID_METRIC_NAME', `invalid metric name ${JSON.stringify(name)}: must match ${METRIC_NAME.source}`);
  }
}

export function assertLabelName(name: string): void {
  if (!LABEL_NAME.test(name) || name.startsWith('__')) {
    throw new ExpositionError(
      'INVALID_LABEL_NAME',
      `invalid label name ${JSON.stringify(name)}: must match ${LABEL_NAME.source} and not start with __ (reserved)`,
    );
  }
}
