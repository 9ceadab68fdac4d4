// One audit row as search pages serve it: the fields a page shows, each
// hashed again (audit-row-leaves.ts) before the page leaves the store.
export interface AuditRow {
  readonly seq: number;
  readonly eventId: string;
  readonly workspace: string;
  readonly instance: string;
  readonly occurredAtMs: number;
  readonly action: string;
  readonly actor: string;
  readonly resource: string;
  readonly decision: string;
  readonly outcome: string;
  readonly latencyUs: number | null;
  readonly arguments: string | null;
  readonly response: string | null;
  readonly error: string | null;
  readonly traceId: string | null;
}
