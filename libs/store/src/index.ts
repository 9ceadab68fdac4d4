export * from './errors.ts';
export * from './create-store.ts';
export * from './migrations/migrate.ts';
export * from './tool-invocations/tool-invocation-row.ts';
export * from './tool-invocations/insert-tool-invocations.ts';
export * from './tool-invocations/query-tool-call-counters.ts';
export * from './pipeline/record-flush.ts';
export * from './pipeline/query-pipeline-health.ts';
