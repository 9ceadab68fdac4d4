// A call's captured payloads (GET /v1/orgs/{org}/invocations/{event_id}/payload):
// opened by the API for a key with the payload role, each view recorded in
// the org's ledger. Asked only when the user reveals them; never cached.
import { api } from '../lib/session.ts';

export interface CapturedPayload {
  readonly field: 'arguments' | 'response';
  readonly key_version: number;
  readonly truncated: boolean;
  readonly original_bytes: number;
  readonly text: string;
}

export const fetchPayloads = (org: string, eventId: string, signal: AbortSignal) =>
  api.get<{ payloads: CapturedPayload[] }>(`/v1/orgs/${encodeURIComponent(org)}/invocations/${encodeURIComponent(eventId)}/payload`, {}, signal);
