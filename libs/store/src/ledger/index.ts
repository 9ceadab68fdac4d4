// The audit ledger's tables (schemas/clickhouse/004 and 005).
export * from './ledger-rows.ts';
export * from './merkle-nodes.ts';
export * from './ledger-insert-chunk.ts';
export * from './ledger-proofs.ts';
export * from './ledger-checkpoints.ts';
export * from './ledger-state.ts';
export * from './ledger-export-lines.ts';
export * from './verify-stored-range.ts';
export * from './ledger-pruning.ts';
