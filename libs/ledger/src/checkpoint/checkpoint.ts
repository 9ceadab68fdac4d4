// The checkpoint body, a C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint)
// with two extension lines of ours:
//   mcpg.dev/ledger/<org>          origin
//   <tree size>                    decimal, no leading zeros
//   <base64 root hash>             RFC 6962 root of rows [0, size)
//   chain-head <base64>            chain hash after row size-1 (genesis when empty)
//   event-time-ms <decimal>        occurred_at of row size-1 (0 when empty)
// Time is the last row's event time, never the wall clock, so a replay signs
// byte-identical checkpoints.
import { fromBase64Strict, toBase64 } from '../bytes.ts';
import { LedgerError } from '../errors.ts';
import { HASH_SIZE, type Hash } from '../hashing.ts';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Hash;
  readonly chainHead: Hash;
  /** Epoch ms: occurred_at of the last row in the tree. */
  readonly eventTime: number;
}

const SIZE = /^(0|[1-9][0-9]*)$/;
const TIME = /^(0|-?[1-9][0-9]*)$/;
const CHAIN_PREFIX = 'chain-head ';
const TIME_PREFIX = 'event-time-ms ';

function malformed(what: string): LedgerError {
  return new LedgerError('MALFORMED_NOTE', `checkpoint: ${what}`);
}

export function formatCheckpoint(cp: Checkpoint): string {
  if (cp.origin.length === 0 || /[\p{Cc}\p{White_Space}+]/u.test(cp.origin)) {
    throw new LedgerError('INVALID_ARGUMENT', 'checkpoint origin must be non-empty, without spaces, "+" or control characters');
  }
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new LedgerError('INVALID_ARGUMENT', 'checkpoint size must be a safe non-negative integer');
  if (!Number.isSafeInteger(cp.eventTime)) throw new LedgerError('INVALID_ARGUMENT', 'checkpoint event time must be a safe integer');
  if (cp.root.length !== HASH_SIZE || cp.chainHead.length !== HASH_SIZE) {
    throw new LedgerError('INVALID_ARGUMENT', `checkpoint hashes must be ${HASH_SIZE} bytes`);
  }
  return (
    `${cp.origin}\n${cp.size}\n${toBase64(cp.root)}\n` +
    `${CHAIN_PREFIX}${toBase64(cp.chainHead)}\n${TIME_PREFIX}${cp.eventTime}\n`
  );
}

function hashLine(line: string, what: string): Hash {
  const bytes = fromBase64Strict(line);
  if (bytes === undefined || bytes.length !== HASH_SIZE) throw malformed(`${what} must be base64 of ${HASH_SIZE} bytes`);
  return bytes;
}

/** Reads a checkpoint body exactly as formatCheckpoint writes it. Throws MALFORMED_NOTE. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length !== 5) throw malformed(`expected 5 lines (origin, size, root, chain-head, event-time-ms), got ${lines.length}`);
  const [origin, size, root, chain, time] = lines as [string, string, string, string, string];
  if (origin.length === 0 || /[\p{Cc}\p{White_Space}+]/u.test(origin)) throw malformed('origin is empty or has spaces or "+"');
  if (!SIZE.test(size) || !Number.isSafeInteger(Number(size))) throw malformed('tree size must be a decimal without leading zeros');
  if (!chain.startsWith(CHAIN_PREFIX)) throw malformed(`fourth line must start with "${CHAIN_PREFIX}"`);
  if (!time.startsWith(TIME_PREFIX)) throw malformed(`fifth line must start with "${TIME_PREFIX}"`);
  const eventTime = time.slice(TIME_PREFIX.length);
  if (!TIME.test(eventTime) || !Number.isSafeInteger(Number(eventTime))) throw malformed('event-time-ms must be a decimal integer');
  return {
    origin,
    size: Number(size),
    root: hashLine(root, 'root hash'),
    chainHead: hashLine(chain.slice(CHAIN_PREFIX.length), 'chain head'),
    eventTime: Number(eventTime),
  };
}
