-- The analysts' org scoping (077) for tool_invocation_payloads_v2, the payload
-- table of migration 084: every table with an org column carries the row
-- policy mcpg_org_scope (docs/operations.md "Analysts' SQL"). Server only, like
-- 077. The number comes before the table's own: ClickHouse keeps a row policy
-- for a table that does not exist yet and applies it once the table does, so
-- the order of 078 and 084 does not matter on a server that applies both.

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_invocation_payloads_v2 AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;
