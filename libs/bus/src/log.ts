// How the bus reports what it cannot return as an error (client warnings,
// reconnects, a consumer that stopped with no onError). Apps pass either a
// function or their pino-style logger (fastify's `app.log` fits as is).

export type BusLogLevel = 'error' | 'warn' | 'info' | 'debug';

export type BusLog = (level: BusLogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void;

/** pino's calling convention: fields first, then the message. */
export type LevelLogger = Record<BusLogLevel, (fields: object, message?: string) => void>;

export const silentLog: BusLog = () => undefined;

export function toBusLog(log: BusLog | LevelLogger | undefined): BusLog {
  if (log === undefined) return silentLog;
  if (typeof log === 'function') return log;
  return (level, message, fields) => log[level]({ ...fields }, message);
}
