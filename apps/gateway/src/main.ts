// gateway: the MCP gateway process. Reads its settings and configuration
// file (refusing to start on any invalid setting, named), builds the bus and
// starts the gateway; SIGINT/SIGTERM drain events and stop it.
import { ConfigError, loadConfig, telemetrySettings } from '@mcpg/config';
import { gatewaySettings, GatewayError, loadConfigFile, openGatewayBus, startGateway } from '@mcpg/gateway';
import { createLogger, startAppTracing, TelemetryError, tracingConfigFromSettings } from '@mcpg/telemetry';
import pino from 'pino';

async function load() {
  try {
    const settings = loadConfig({ ...gatewaySettings, ...telemetrySettings }, { env: process.env, argv: process.argv.slice(2) });
    tracingConfigFromSettings(settings); // a bad tracing setting is refused here, named, like the others
    return { settings, config: await loadConfigFile(settings.configFile) };
  } catch (e) {
    if (e instanceof ConfigError || e instanceof GatewayError || e instanceof TelemetryError) {
      console.error(`gateway: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
}

const { settings, config } = await load();
// On stdio, stdout belongs to the MCP client: logs go to stderr.
const log = createLogger({ name: 'gateway', level: settings.logLevel, destination: settings.stdio ? pino.destination(2) : undefined });
const tracing = startAppTracing('mcpg-gateway', settings, log);
const bus = openGatewayBus(config.kafka, log);
const gateway = await startGateway(config, { bus, log, stdio: settings.stdio });
log.info({ url: gateway.url, metrics: gateway.metricsUrl, upstreams: gateway.upstreamStatus() }, 'gateway started');

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await gateway.stop().catch((e: unknown) => log.error({ err: String(e) }, 'stopping the gateway failed'));
  await bus.close();
  await tracing.shutdown();
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));
