import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyRuleConfig } from '../config/gateway-config.ts';
import { compileGlob } from './glob.ts';
import { compilePolicy } from './policy.ts';

const rule = (r: Partial<PolicyRuleConfig> & Pick<PolicyRuleConfig, 'id' | 'effect'>): PolicyRuleConfig => ({
  tools: [],
  servers: [],
  actors: [],
  workspaces: [],
  obligations: null,
  reason: '',
  ...r,
});
const subject = { server: 'github', tool: 'delete_repo', actor: 'agent:triage', workspace: 'research' };

test('globs: * and ? only, everything else literal', () => {
  assert.ok(compileGlob('github__*')('github__delete_repo'));
  assert.ok(compileGlob('*__delete_?epo')('x__delete_repo'));
  assert.ok(!compileGlob('git.ub__*')('github__x'), '. is literal');
  assert.ok(!compileGlob('github__delete')('github__delete_repo'), 'anchored');
});

test('the first matching rule decides; every condition of a rule must match', () => {
  const policy = compilePolicy('permit', [
    rule({ id: 'sandbox-only-reads', effect: 'deny', workspaces: ['sandbox'], reason: 'read-only workspace' }),
    rule({ id: 'no-delete', effect: 'deny', tools: ['*__delete_*'], actors: ['agent:*'], reason: 'agents cannot delete' }),
    rule({ id: 'redact-github', effect: 'permit', servers: ['github'], obligations: { redactResponse: true, maxResponseBytes: 0 } }),
  ]);
  assert.deepEqual(policy(subject), { kind: 'deny', ruleId: 'no-delete', obligations: null, reason: 'agents cannot delete' });
  assert.equal(policy({ ...subject, actor: 'user:ana' }).kind, 'permit_with_obligations', 'a person is not matched by agent:*');
  assert.equal(policy({ ...subject, actor: 'user:ana' }).ruleId, 'redact-github');
  assert.equal(policy({ ...subject, workspace: 'sandbox', actor: 'user:ana' }).ruleId, 'sandbox-only-reads');
  assert.deepEqual(policy({ ...subject, server: 'jira', actor: 'user:ana' }), { kind: 'permit', ruleId: null, obligations: null, reason: '' });
});

test('default deny with an explicit permit; obligations that bind nothing are a plain permit', () => {
  const policy = compilePolicy('deny', [rule({ id: 'reads', effect: 'permit', tools: ['*__get_*', '*__list_*'], obligations: { redactResponse: false, maxResponseBytes: 0 } })]);
  assert.deepEqual(policy({ ...subject, tool: 'list_issues' }), { kind: 'permit', ruleId: 'reads', obligations: null, reason: '' });
  const denied = policy(subject);
  assert.equal(denied.kind, 'deny');
  assert.equal(denied.ruleId, null);
  assert.match(denied.reason, /no policy rule permits/);
});
