// Payload capture: for a call whose org and workspace a capture rule names,
// and which the rule's sample picks, the masked arguments and/or response are
// cut to the rule's size cap and sealed with the org's current data key
// (AES-256-GCM, @mcpg/payload-crypto) into ToolCallPayload records on their
// own topic. Masking comes first, so a secret is never captured, not even
// encrypted. Runs in the call's setImmediate with the other events, after
// the answer left. The keyring is refreshed on a timer, so sealing is
// synchronous and a rotation or a shred reaches the gateway within
// capture.keyRefreshMs.
import { payloadCodec, type PayloadField, type ToolCallPayload } from '@mcpg/events';
import type { Masker } from '@mcpg/masking';
import { sealPayload, type LiveKeyring, type PayloadKeyring } from '@mcpg/payload-crypto';
import type { CallRecord } from '../events/call-record.ts';
import type { OutboxRecord } from '../outbox/outbox-record.ts';
import { traceHeadersOf } from '../trace/trace-context.ts';
import type { CaptureConfig, CaptureRule } from './capture-config.ts';

export interface CapturedFields {
  readonly arguments: boolean;
  readonly response: boolean;
}

export const NOTHING_CAPTURED: CapturedFields = { arguments: false, response: false };

export interface Capture {
  readonly records: readonly OutboxRecord[];
  readonly captured: CapturedFields;
}

export type SkipReason = 'no_key' | 'key_error';

export interface PayloadCaptureOptions {
  readonly config: CaptureConfig;
  readonly instance: string;
  readonly masker: Masker;
  readonly keys: LiveKeyring;
  /** 0 <= x < 1; default Math.random. */
  readonly random?: () => number;
  readonly onCaptured?: (field: PayloadField, bytes: number) => void;
  readonly onSkipped?: (org: string, reason: SkipReason) => void;
}

const NONE: Capture = { records: [], captured: NOTHING_CAPTURED };

/** Cut to at most `max` bytes on a UTF-8 character boundary. */
export function cutUtf8(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

export class PayloadCapture {
  readonly #o: PayloadCaptureOptions;
  readonly #random: () => number;
  #ring: PayloadKeyring | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: PayloadCaptureOptions) {
    this.#o = options;
    this.#random = options.random ?? Math.random;
  }

  /** Loads the keys, then follows the keystore file. A keystore that cannot be read stops start-up. */
  async start(): Promise<void> {
    this.#ring = await this.#o.keys.get();
    this.#timer = setInterval(() => {
      this.#o.keys.get().then(
        (ring) => (this.#ring = ring),
        // Keep the last good keys; the next tick tries again. The message names files and codes, never key bytes.
        () => this.#o.onSkipped?.('*', 'key_error'),
      );
    }, this.#o.config.keyRefreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  #rule(org: string, workspace: string): CaptureRule | undefined {
    return this.#o.config.rules.find((r) => r.org === org && (r.workspaces.length === 0 || r.workspaces.includes(workspace)));
  }

  /** The sealed payload records of a finished call, and which fields they hold. */
  capture(c: CallRecord): Capture {
    const { org, workspace } = c.identity;
    const rule = this.#rule(org, workspace);
    if (!rule || rule.sampleRate === 0 || this.#random() >= rule.sampleRate) return NONE;
    let key;
    try {
      if (!this.#ring) return NONE;
      key = this.#ring.current(org);
    } catch {
      this.#o.onSkipped?.(org, 'no_key');
      return NONE;
    }
    const records: OutboxRecord[] = [];
    const wantArgs = rule.fields !== 'response' && c.arguments !== undefined && !c.argumentsTooLarge;
    const wantResponse = rule.fields !== 'arguments' && c.result !== undefined && c.result !== null;
    const headers = traceHeadersOf(c.trace);
    const seal = (field: PayloadField, value: unknown) => {
      const json = Buffer.from(JSON.stringify(this.#o.masker.maskJson(value)), 'utf8');
      const kept = cutUtf8(json, rule.maxBytes);
      const sealed = sealPayload(key.key, { org, eventId: c.callId, field, keyVersion: key.version }, kept);
      const event: ToolCallPayload = {
        event_id: c.callId,
        org,
        workspace,
        instance: this.#o.instance,
        field,
        key_version: key.version,
        nonce: sealed.nonce,
        ciphertext: sealed.ciphertext,
        tag: sealed.tag,
        original_bytes: json.length,
        truncated: kept.length < json.length,
        started_at: c.startedAt,
      };
      records.push({ topic: this.#o.config.topic, key: org, value: payloadCodec.encode(event), headers });
      this.#o.onCaptured?.(field, kept.length);
    };
    if (wantArgs) seal('arguments', c.arguments);
    if (wantResponse) seal('response', c.result);
    return { records, captured: { arguments: wantArgs, response: wantResponse } };
  }
}
