// `mcpg sim`: the fleet simulator against a running broker.
import { busSettings, loadConfig, simSettings, telemetrySettings } from '@mcpg/config';
import { createLogger } from '@mcpg/telemetry';
import { formatSummary, openBus, runFleetSim, simOptions } from '@mcpg/workers';
import type { Command } from '../command.ts';

const settings = {
  ...busSettings,
  ...simSettings,
  logLevel: telemetrySettings.logLevel,
};

export const simCommand: Command = {
  name: 'sim',
  summary: 'Send simulated fleet traffic (Avro call and audit events) to the bus',
  settings,
  async run(argv, env) {
    const c = loadConfig(settings, { env, argv });
    if (c.bus === 'memory') throw new Error('mcpg sim needs a broker: an in-process bus would vanish with this process (use mcpg up --bus memory)');
    const log = createLogger({ name: 'mcpg-sim', level: c.logLevel });
    const bus = openBus(c, log, 'sim');
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    process.once('SIGTERM', () => abort.abort());
    try {
      const summary = await runFleetSim({ bus, ...simOptions(c), signal: abort.signal });
      console.log(formatSummary(summary));
    } finally {
      await bus.close();
    }
    return 0;
  },
};
