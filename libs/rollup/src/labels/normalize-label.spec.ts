import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelNormalizer, normalizeLabel } from './normalize-label.ts';

// Names as MCP servers and gateways really spell them: these stay as they are.
const READABLE = [
  'sha256_hash',
  's3_get',
  'v2_search',
  'oauth2',
  'oauth2_token_exchange',
  'base64_decode',
  'md5sum',
  'ec2_describe_instances',
  'k8s_get_pods',
  'utf8_normalize',
  'iso8601_parse',
  'rfc3339_format',
  'http2_probe',
  'x509_verify',
  'ipv6_lookup',
  'gpt-4',
  'claude-3-5-sonnet',
  'python3.11',
  'node-v20.1.0',
  'server@1.4.2',
  'deadbeef',
  'facade_service',
  'search_code',
  'list_pull_requests',
  'get_issue',
  'create-or-update-file',
  'postgres',
  'filesystem.read_file',
  'github__search_repositories',
  'step_2',
  'e2e_run',
  'log4j_scan',
  'win32_registry',
  'sandbox.exec',
  '2fa_verify',
  'query_v2',
] as const;

// Ids embedded in names: each becomes `:id`.
const WITH_IDS: readonly (readonly [string, string])[] = [
  ['get_issue_4711', 'get_issue_:id'],
  ['repo-3f2a9c1e', 'repo-:id'],
  ['ticket_550e8400-e29b-41d4-a716-446655440000', 'ticket_:id'],
  ['550E8400-E29B-41D4-A716-446655440000', ':id'],
  ['job-01ARZ3NDEKTSV4RRFFQ69G5FAV', 'job-:id'],
  ['run_01hx5j7k9m2n3p4q5r6s7t8v9w_status', 'run_:id_status'],
  ['commit_9fceb02d0ae598e95dc970b74767f19372d61af8', 'commit_:id'],
  ['blob-a94a8fe5', 'blob-:id'],
  ['user123456', 'user:id'],
  ['order_12345678_items', 'order_:id_items'],
  ['page-42', 'page-:id'],
  ['report_20240101', 'report_:id'],
  ['tenant:7781:query', 'tenant::id:query'],
  ['db.users.1042', 'db.users.:id'],
  ['issue/4711/comments/99', 'issue/:id/comments/:id'],
  ['doc_5f9d88a2c3b1e4f6a7b8c9d0', 'doc_:id'],
  ['session-0xdeadbeef12', 'session-:id'],
  ['container_4e6f7a8b9c0d', 'container_:id'],
  ['fetch_invoice_INV20231105', 'fetch_invoice_INV:id'],
  ['shard-17-replica-03', 'shard-:id-replica-:id'],
  ['cache_key_ab12cd34ef', 'cache_key_:id'],
  ['workspace_00042_sync', 'workspace_:id_sync'],
  ['msg-1699999999999', 'msg-:id'],
  ['pr_1234_review', 'pr_:id_review'],
  ['image-sha-e3b0c44298fc1c14', 'image-sha-:id'],
  ['note_123e4567-e89b-12d3-a456-426614174000_edit', 'note_:id_edit'],
  ['s3_get_bucket_9a8b7c6d5e', 's3_get_bucket_:id'],
  ['v2_search_77', 'v2_search_:id'],
  ['oauth2_client_31337', 'oauth2_client_:id'],
  ['sha256_of_0123abcd', 'sha256_of_:id'],
  ['acct99999', 'acct:id'],
];

test('readable names keep their digits', () => {
  assert.ok(READABLE.length >= 30);
  for (const name of READABLE) assert.equal(normalizeLabel(name), name, name);
});

test('ids inside names become :id', () => {
  assert.ok(WITH_IDS.length >= 30);
  for (const [name, want] of WITH_IDS) assert.equal(normalizeLabel(name), want, name);
});

test('normalised names are fixed points, and the cache changes nothing', () => {
  const n = new LabelNormalizer(4);
  for (const [name, want] of WITH_IDS) {
    assert.equal(normalizeLabel(want), want, want);
    assert.equal(n.normalize(name), want);
    assert.equal(n.normalize(name), want);
  }
});
