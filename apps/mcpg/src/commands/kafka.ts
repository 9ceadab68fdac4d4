// `mcpg kafka provision|start`: fetch the broker from Maven Central, or run a
// local single-node KRaft broker in the foreground.
import { loadConfig, localKafkaSettings, storeSettings } from '@mcpg/config';
import { provisionKafka, startLocalBroker } from '@mcpg/bus';
import { kafkaDir } from '@mcpg/workers';
import type { Command } from '../command.ts';
import { Lifecycle } from '../lifecycle.ts';

const settings = {
  ...localKafkaSettings,
  dataDir: storeSettings.dataDir,
};

export const kafkaCommand: Command = {
  name: 'kafka',
  summary: 'kafka provision: fetch the broker jars with Maven; kafka start: run a local broker until Ctrl-C',
  settings,
  async run(argv, env) {
    const [action, ...rest] = argv;
    const c = loadConfig(settings, { env, argv: rest });
    if (action === 'provision') {
      const dir = await provisionKafka({ quiet: false });
      console.log(`kafka broker jars in ${dir}`);
      return 0;
    }
    if (action === 'start') {
      await provisionKafka({ quiet: false });
      const broker = await startLocalBroker({ port: c.kafkaPort, dataDir: kafkaDir(c.dataDir) });
      console.log(`kafka broker on ${broker.brokers.join(',')} (pid ${broker.pid}); Ctrl-C stops it`);
      const life = new Lifecycle();
      life.add('kafka broker', () => broker.stop());
      await life.onSignals();
      return 0;
    }
    console.error('usage: mcpg kafka provision | mcpg kafka start [--kafka-port N] [--data-dir DIR]');
    return 2;
  },
};
