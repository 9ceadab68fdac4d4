export * from './errors.ts';
export * from './create-store.ts';
export * from './migrations/migrate.ts';
export * from './tool-invocations/tool-invocation-row.ts';
export * from './tool-invocations/insert-tool-invocations.ts';
export * from './tool-invocations/query-tool-call-counters.ts';
