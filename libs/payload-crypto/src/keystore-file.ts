// The keystore and KEK as files: read, written atomically (a temp file in the
// same folder, mode 0600, renamed into place, so a reader never sees half a
// keystore), and followed by a live keyring that reloads when the file
// changes (a rotation or a shred reaches a running gateway and API without a
// restart).
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { FileKek } from './file-kek.ts';
import type { KeyWrapper } from './key-wrapper.ts';
import { PayloadKeyring } from './payload-keyring.ts';
import { emptyKeystore, formatKeystore, parseKeystore, type KeystoreDoc } from './payload-keystore.ts';
import { PayloadCryptoError } from './errors.ts';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new PayloadCryptoError('MALFORMED_KEYSTORE', `cannot read the ${what} ${path} (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, { cause });
  }
}

export function readKekFile(path: string): FileKek {
  return FileKek.parse(readText(path, 'KEK file'));
}

/** The keystore at `path`; an absent file is an empty keystore when `missingOk`. */
export function readKeystoreFile(path: string, missingOk = false): KeystoreDoc {
  try {
    statSync(path);
  } catch {
    if (missingOk) return emptyKeystore();
  }
  return parseKeystore(readText(path, 'payload keystore'));
}

/**
 * Writes the keystore beside `path` and returns a commit that renames it into
 * place, so a caller can record the change (the ledger event) between the two
 * and leave the old keystore untouched if recording fails.
 */
export function stageKeystoreFile(path: string, doc: KeystoreDoc): { commit(): void; abort(): void } {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, formatKeystore(doc), { mode: 0o600 });
  return {
    commit: () => renameSync(temp, path),
    abort: () => rmSync(temp, { force: true }),
  };
}

export interface LiveKeyringOptions {
  readonly keystorePath: string;
  readonly wrapper: KeyWrapper;
  /** Only these orgs' keys are unwrapped (a gateway's own); default all. */
  readonly orgs?: ReadonlySet<string>;
  /** The file is looked at no more often than this; default 1000 ms. */
  readonly checkMs?: number;
  readonly now?: () => number;
}

/** A keyring that follows its keystore file: `get()` reloads it when the file changed. */
export class LiveKeyring {
  readonly #o: LiveKeyringOptions;
  #ring: PayloadKeyring | null = null;
  #stamp = '';
  #checkedAt = -Infinity;
  #loading: Promise<PayloadKeyring> | null = null;

  constructor(options: LiveKeyringOptions) {
    this.#o = options;
  }

  async get(): Promise<PayloadKeyring> {
    const now = (this.#o.now ?? Date.now)();
    if (this.#ring && now - this.#checkedAt < (this.#o.checkMs ?? 1000)) return this.#ring;
    this.#checkedAt = now;
    const s = statSync(this.#o.keystorePath, { throwIfNoEntry: false });
    const stamp = s ? `${s.mtimeMs}:${s.size}:${s.ino}` : 'absent';
    if (this.#ring && stamp === this.#stamp) return this.#ring;
    this.#loading ??= (async () => {
      try {
        const ring = await PayloadKeyring.open(readKeystoreFile(this.#o.keystorePath, true), this.#o.wrapper, this.#o.orgs);
        this.#ring = ring;
        this.#stamp = stamp;
        return ring;
      } finally {
        this.#loading = null;
      }
    })();
    return this.#loading;
  }
}
