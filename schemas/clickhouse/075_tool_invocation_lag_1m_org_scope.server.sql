-- Per-org row policies (as 077) for the lag table of 074 and its view.
-- Server only: the embedded engine refuses access control.
CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_invocation_lag_1m AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;

CREATE ROW POLICY OR REPLACE mcpg_org_scope ON tool_invocation_lag_1m_mv AS PERMISSIVE FOR SELECT
USING toString(getSettingOrDefault('SQL_mcpg_orgs', '*')) = '*'
   OR has(arrayMap(o -> trimBoth(o), splitByChar(',', toString(getSettingOrDefault('SQL_mcpg_orgs', '')))), org)
TO ALL;
