// How the bus reports what it cannot return as an error (client warnings,
// reconnects, a consumer that stopped with no onError). Apps pass their logger.

export type BusLogLevel = 'error' | 'warn' | 'info' | 'debug';

export type BusLog = (level: BusLogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void;

export const silentLog: BusLog = () => undefined;
