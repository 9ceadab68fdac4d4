// Routes kafkajs' log lines to the bus logger instead of its console logger
// (which prints JSON to stdout, including routine retry noise at ERROR level).

import kafkajs from 'kafkajs';
import type { logCreator } from 'kafkajs';
import type { BusLog, BusLogLevel } from '../log.ts';
import type { KafkaLogLevel } from './kafka-options.ts';

const { logLevel } = kafkajs;

export const KAFKAJS_LEVEL: Readonly<Record<KafkaLogLevel, kafkajs.logLevel>> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

function toBusLevel(level: kafkajs.logLevel): BusLogLevel {
  if (level === logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  if (level === logLevel.INFO) return 'info';
  return 'debug';
}

export function kafkajsLogCreator(log: BusLog): logCreator {
  return () =>
    ({ namespace, level, log: entry }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry;
      // kafkajs logs every failed request at ERROR, including the ones it retries
      // (e.g. "coordinator is loading" on a fresh broker); what finally fails comes
      // back to the caller as a BusError, so a single request's failure is only
      // worth a debug line. So is its warning that bounded retries weaken
      // exactly-once: we bound them on purpose (a send must fail eventually) and
      // rely on idempotent writes downstream, not on producer transactions.
      const routine =
        (namespace === 'Connection' && level === logLevel.ERROR) || message.startsWith('Limiting retries for the idempotent producer');
      const busLevel = routine ? 'debug' : toBusLevel(level);
      log(busLevel, `kafkajs ${namespace}: ${message}`, fields);
    };
}
