// Structured JSON logs (pino). Keys that commonly hold secrets are redacted at
// the logger, so a careless `log.info({ headers })` cannot leak a token.
import { pino } from 'pino';

export type Logger = pino.Logger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const REDACT = [
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'clickhousePassword',
];

export function createLogger(opts: { name: string; level?: LogLevel; destination?: pino.DestinationStream }): Logger {
  return pino(
    { name: opts.name, level: opts.level ?? 'info', redact: { paths: REDACT, censor: '***' }, base: { app: opts.name } },
    opts.destination,
  );
}

/** A logger that writes nothing, for tests and libraries used without one. */
export const silentLogger: Logger = pino({ level: 'silent' });
