// The gateway process's own settings (flags and variables): where its
// configuration file is, and logging. Everything else is in the file.
import { boolSetting, stringSetting, telemetrySettings } from '@mcpg/config';

export const gatewaySettings = {
  configFile: stringSetting({
    env: 'MCPG_GATEWAY_CONFIG',
    flag: 'config',
    default: 'gateway.yaml',
    doc: 'The gateway configuration file (YAML or JSON); see README "Gateway"',
  }),
  stdio: boolSetting({
    env: 'MCPG_GATEWAY_STDIO',
    flag: 'stdio',
    default: false,
    doc: 'Also serve one MCP client on stdin/stdout (logs then go to stderr)',
  }),
  logLevel: telemetrySettings.logLevel,
};
