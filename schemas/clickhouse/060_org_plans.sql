-- Each org's retention plan as set through PUT /v1/admin/orgs/{org}/plan
-- (docs/operations.md "Retention"). Configuration (MCPG_ORG_PLANS,
-- MCPG_DEFAULT_PLAN) gives the plan of an org with no row here; a row here
-- wins. The plan's windows come from the plan catalogue of the configuration,
-- so a redefined plan applies to every org on it. Every change is also an
-- `operator.plan_change` row in the org's audit ledger, signed like any
-- other, written before this row.
--
-- Example query:
--   -- every org's current plan, who set it and when
--   SELECT org, plan, changed_at, changed_by FROM org_plans FINAL ORDER BY org;
CREATE TABLE IF NOT EXISTS org_plans
(
    org         LowCardinality(String)  COMMENT 'Organisation (tenant)',
    plan        LowCardinality(String)  COMMENT 'Name of the retention plan (community, pro, team, enterprise, or one configured in MCPG_RETENTION_PLANS)',
    changed_at  DateTime64(3, 'UTC')    COMMENT 'When the plan was set (API clock): the version, the latest wins',
    changed_by  String                  COMMENT 'API key id that set it (the ledger row names it too)',
    event_id    String                  COMMENT 'event_id of the operator.plan_change audit event that recorded the change'
)
ENGINE = ReplacingMergeTree(changed_at)
ORDER BY org
COMMENT 'Retention plan per org set through the admin API; the latest changed_at wins. Orgs with no row follow the configuration.';
