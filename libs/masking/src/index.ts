export { createMasker, DEPTH_MARKER, type Masker, type MaskerOptions } from './masker.ts';
export { SECRET_KINDS, placeholder, isPlaceholder, tallyTotal, type SecretKind, type MaskTally } from './secret-kinds.ts';
export { classifyKey, type KeyVerdict } from './key-classifier.ts';
export type { EntropyOptions } from './entropy.ts';
export { DEFAULT_MAX_LENGTH, truncationMarker } from './truncate.ts';
export { MASKING_ERROR_CODES, MaskingError, type MaskingErrorCode } from './errors.ts';
