-- Per-org row policies for people and BI tools on a ClickHouse server: the
-- server-side twin of the org scoping the embedded engine's analyst SQL
-- endpoint applies (additional_table_filters). Server only (.server.sql): the
-- embedded engine refuses access control, and records this file as skipped.
--
-- Which orgs a user reads is a setting of its settings profile,
-- SQL_mcpg_orgs: a comma-separated list of org ids, or * for every org. The
-- shipped `analyst` user takes it from CLICKHOUSE_ANALYST_ORGS
-- (infra/clickhouse/users.d/mcpg.xml), as a constant the user cannot change;
-- more analysts are more users whose profiles set other lists (docs/operations.md
-- "Analysts' SQL"). A user whose profile does not set it (the apps' `mcpg`,
-- `default`) reads every org, so the apps and an operator's clickhouse-client
-- are unaffected. The setting is read once per query, not per row.
--
-- The policies name every table and view with an org column; a new one gets its
-- policy in a later server migration (a test compares the two lists).
--
-- For example, as a user whose profile sets SQL_mcpg_orgs = 'acme', the first
-- query answers acme only, and the second says which orgs the user reads:
--   SELECT DISTINCT org FROM tool_invocations;
--   SELECT getSettingOrDefault('SQL_mcpg_orgs', '*') AS orgs;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_invocations AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_invocation_payloads AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_rollups_1m AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_rollups_1h AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_rollups_1d AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_rollups_org_1m AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_rollups_org_1h AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_rollups_org_1d AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_totals_1h AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_totals_1d AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON audit_log AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON audit_checkpoints AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON audit_merkle_nodes AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON audit_ledger_state AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON audit_ledger_heads AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON audit_rows_json AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON audit_rows_json_mv AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON audit_pruned AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON org_plans AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;
