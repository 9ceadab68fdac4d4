import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './load-config.ts';
import { planCatalogue, retentionSettings } from './settings.ts';
import { DEFAULT_PLANS, PlanCatalogue, parsePlanSpec, parseRetentionDays, SEVEN_YEARS_DAYS } from './retention-plans.ts';

test('the four default plans: 30 d, 90 d, 180 d and 7 years for the audit rows', () => {
  const audit = Object.fromEntries(DEFAULT_PLANS.map((p) => [p.name, p.days.audit]));
  assert.deepEqual(audit, { community: 30, pro: 90, team: 180, enterprise: SEVEN_YEARS_DAYS });
  assert.equal(SEVEN_YEARS_DAYS, 2557);
  // enterprise is the tiers every org had before plans: nothing is lost on upgrade.
  assert.deepEqual(DEFAULT_PLANS.find((p) => p.name === 'enterprise')!.days, {
    samples: 30, payloads: 30, rollups_1m: 90, rollups_1h: 180, rollups_1d: 2557, audit: 2557,
  });
});

test('a plan spec reads days and years, per class in order', () => {
  assert.deepEqual(parsePlanSpec('gold=60/30/90d/1y/5y/7y').days, {
    samples: 60, payloads: 30, rollups_1m: 90, rollups_1h: 366, rollups_1d: 1827, audit: 2557,
  });
  assert.throws(() => parsePlanSpec('gold=60/30'), /needs 6/);
  assert.throws(() => parsePlanSpec('Gold=1/1/1/1/1/1'), /lower-case name/);
  assert.throws(() => parseRetentionDays('0'), /between 1/);
  assert.throws(() => parseRetentionDays('3 weeks'), /not a number of days/);
});

test('settings: configured plans, org plans and the default, each refused with the setting named', () => {
  const config = loadConfig(retentionSettings, {
    env: { MCPG_RETENTION_PLANS: 'gold=60/30/90/1y/5y/7y,pro=30/30/60/60/60/60', MCPG_ORG_PLANS: 'acme=gold,globex=community', MCPG_DEFAULT_PLAN: 'pro' },
  });
  const cat = planCatalogue(config);
  assert.equal(cat.configured('acme').plan.name, 'gold');
  assert.equal(cat.configured('acme').source, 'config');
  assert.equal(cat.configured('initech').plan.name, 'pro');
  assert.equal(cat.configured('initech').source, 'default');
  assert.equal(cat.plan('pro')!.days.rollups_1m, 60, 'a configured plan replaces the default of its name');
  assert.deepEqual(cat.names(), ['community', 'pro', 'team', 'enterprise', 'gold']);
  assert.throws(() => planCatalogue(loadConfig(retentionSettings, { env: { MCPG_ORG_PLANS: 'acme=platinum' } })), /MCPG_ORG_PLANS: org acme names plan platinum/);
  assert.throws(() => planCatalogue(loadConfig(retentionSettings, { env: { MCPG_DEFAULT_PLAN: 'platinum' } })), /MCPG_DEFAULT_PLAN/);
  assert.throws(() => loadConfig(retentionSettings, { env: { MCPG_RETENTION_PLANS: 'gold=1/2' } }), /MCPG_RETENTION_PLANS/);
  assert.equal(new PlanCatalogue().defaultPlan.name, 'enterprise');
});
