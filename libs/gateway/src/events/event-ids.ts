// Event ids are fixed when the call happens and travel with the event through
// the spool and every retry, so a consumer that sees one twice drops the copy.
// A call's id is a digest of where it happened (instance, boot, session,
// JSON-RPC id, sequence number): the same call always yields the same id, and
// no two calls share one. Its audit event's id is the call id + ":audit".
import { createHash, randomUUID } from 'node:crypto';

export class EventIds {
  readonly #instance: string;
  readonly #boot: string;
  #seq = 0;

  constructor(instance: string, boot: string = randomUUID()) {
    this.#instance = instance;
    this.#boot = boot;
  }

  /** The id of one call (or lifecycle event), as a UUID-shaped hex string. */
  next(session: string, requestId: string | number): string {
    const seq = ++this.#seq;
    const h = createHash('sha256').update(`${this.#instance}\u0000${this.#boot}\u0000${session}\u0000${String(requestId)}\u0000${seq}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }
}

export const auditIdOf = (callId: string): string => `${callId}:audit`;
