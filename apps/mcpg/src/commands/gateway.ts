// `mcpg gateway`: run the MCP gateway from its configuration file until Ctrl-C.
import { gatewaySettings, loadConfigFile, openGatewayBus, startGateway } from '@mcpg/gateway';
import { loadConfig } from '@mcpg/config';
import { createLogger } from '@mcpg/telemetry';
import pino from 'pino';
import type { Command } from '../command.ts';
import { Lifecycle } from '../lifecycle.ts';

export const gatewayCommand: Command = {
  name: 'gateway',
  summary: 'Run the MCP gateway (proxy, policy, masking, events) from its YAML/JSON configuration file',
  details: 'The file is validated at start: any invalid setting is named and the gateway does not start. See README "Gateway".',
  settings: gatewaySettings,
  async run(argv, env) {
    const c = loadConfig(gatewaySettings, { env, argv });
    const config = await loadConfigFile(c.configFile);
    // On stdio, stdout belongs to the MCP client.
    const log = createLogger({ name: 'gateway', level: c.logLevel, destination: c.stdio ? pino.destination(2) : undefined });
    const bus = openGatewayBus(config.kafka, log);
    const gateway = await startGateway(config, { bus, log, stdio: c.stdio });
    const life = new Lifecycle((m) => log.info(m));
    life.add('kafka bus', () => bus.close());
    life.add('gateway', () => gateway.stop());
    log.info({ url: gateway.url, metrics: gateway.metricsUrl, upstreams: gateway.upstreamStatus() }, 'gateway started');
    await life.onSignals();
    return 0;
  },
};
