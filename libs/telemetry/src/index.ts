export * from './logger.ts';
export * from './trace-headers.ts';
export * from './tracing.ts';
