export * from './errors.ts';
export * from './escape.ts';
export * from './names.ts';
export * from './format-value.ts';
export * from './labels.ts';
export * from './label-set-cache.ts';
export * from './exposition-writer.ts';
export * from './buffer-pool.ts';
