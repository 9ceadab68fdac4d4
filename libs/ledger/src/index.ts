export { LEDGER_ERROR_CODES, LEDGER_ERROR_DOCS, LEDGER_ERROR_PART, LedgerError, type LedgerErrorCode, type LedgerErrorOptions, type LedgerPart } from './errors.ts';
export { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash, sha256, type Hash } from './hashing.ts';
export { toHex, toBase64, fromHexStrict, fromBase64Strict, bytesEqual } from './bytes.ts';
export {
  LEDGER_ROW_FIELDS,
  ledgerRowFromEvent,
  ledgerRowFromJson,
  ledgerRowToJson,
  type LedgerEvent,
  type LedgerRow,
  type LedgerRowJson,
} from './ledger-row.ts';
export { CANONICAL_ROW_VERSION, checkLedgerEvent, encodeCanonicalRow, eventLeaf, rowLeafHash, type EncodedLeaf } from './canonical-row.ts';
export { decodeCanonicalRow } from './canonical-row-decode.ts';
export { ORIGIN_PREFIX, assertLedgerOrg, checkpointOrigin, isLedgerOrg } from './ledger-org.ts';
export { chainHash, genesisHash } from './chain.ts';
export {
  subtreeHasherFromLeaves,
  subtreeHasherFromNodes,
  type PerfectNodeLookup,
  type SubtreeHasher,
} from './merkle/subtree-hasher.ts';
export { inclusionProof, rootFromInclusionProof, verifyInclusion } from './merkle/inclusion-proof.ts';
export { consistencyProof, verifyConsistency } from './merkle/consistency-proof.ts';
export { CompactRange, merkleRoot, type CompactRangeState, type NodeVisitor } from './merkle/compact-range.ts';
export { InMemoryNodeStore } from './merkle/node-store.ts';
export { ed25519VerifyStrict } from './note/ed25519.ts';
export {
  NOTE_ALG_ED25519,
  formatSignerKey,
  formatVerifierKey,
  generateSignerKey,
  isValidKeyName,
  keyIdHex,
  noteKeyId,
  parseSignerKey,
  parseVerifierKey,
  signerKeyFromSeed,
  verifierKeyOf,
  type NoteSignerKey,
  type NoteVerifierKey,
} from './note/note-keys.ts';
export {
  formatSignatureLine,
  parseNote,
  signNote,
  verifyNote,
  type KeyLookup,
  type NoteSignature,
  type ParsedNote,
  type VerifiedNote,
} from './note/signed-note.ts';
export { ALWAYS, Keyring, SigningKeys, windowContains, type KeyWindow, type KeyringEntry } from './note/keyring.ts';
export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint/checkpoint.ts';
export { openCheckpoint, signCheckpoint, type OpenedCheckpoint } from './checkpoint/signed-checkpoint.ts';
export { LedgerFold, type AppendedLeaf, type AppendedRow, type LedgerFoldState } from './ledger-fold.ts';
export { exportedRowFromJson, exportedRowToJson, type ExportedRow, type ExportedRowJson } from './verify/exported-row.ts';
export { verifyLedger, type LedgerVerdict, type VerifyLedgerInput, type VerifyResult } from './verify/verify-ledger.ts';
export { checkTrustedAdvance } from './verify/trusted-state.ts';
export { verifyLedgerRange, type RangeVerifyResult, type VerifyRangeInput } from './verify/verify-range.ts';
export {
  LEDGER_EXPORT_VERSION,
  LEDGER_EXPORT_PRUNED_VERSION,
  LedgerExportReader,
  MalformedExportError,
  exportCheckpointLine,
  exportEndLine,
  exportHeaderLine,
  exportPrunedLine,
  exportRowLine,
  parseLedgerExport,
  type LedgerExport,
  type LedgerExportCounts,
} from './export/ledger-export.ts';
export { prunedFromJson, prunedToJson, type PrunedPrefix } from './export/pruned-prefix.ts';
export {
  SEGMENT_CLOSED_BY,
  SegmentedLedger,
  assertSegmentPolicy,
  type ClosedSegment,
  type SegmentClosedBy,
  type SegmentPolicy,
  type SegmentedAppend,
  type SegmentedLeafAppend,
  type SegmentedLedgerState,
} from './segmented-ledger.ts';
export { rootWithRange } from './merkle/range-root.ts';
