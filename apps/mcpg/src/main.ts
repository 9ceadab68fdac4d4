// mcpg: the command-line entry point. Each command lives in commands/.
import { ConfigError, helpText } from '@mcpg/config';
import type { Command } from './command.ts';
import { upCommand } from './commands/up.ts';
import { kafkaCommand } from './commands/kafka.ts';
import { simCommand } from './commands/sim.ts';
import { migrateCommand } from './commands/migrate.ts';
import { gatewayCommand } from './commands/gateway.ts';
import { keysCommand } from './commands/keys.ts';
import { exportAuditCommand } from './commands/export-audit.ts';
import { verifyCommand } from './commands/verify.ts';
import { sqlCommand } from './commands/sql.ts';

const commands: readonly Command[] = [upCommand, simCommand, migrateCommand, kafkaCommand, keysCommand, exportAuditCommand, verifyCommand, sqlCommand, gatewayCommand];

function usage(): string {
  return [
    'mcpg — observability pipeline for fleets of MCP gateways',
    '',
    'Usage: mcpg <command> [flags]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`),
    '',
    'Run `mcpg <command> --help` for its flags. Every flag also has an environment variable.',
  ].join('\n');
}

function commandHelp(c: Command): string {
  return [`Usage: mcpg ${c.name} [flags]`, '', c.summary, '', 'Flags and variables:', helpText(c.settings), c.details ? `\n${c.details}` : ''].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`mcpg: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandHelp(command));
    return 0;
  }
  try {
    return (await command.run(rest, process.env)) ?? 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`mcpg ${name}: ${e.message}`);
      return 2;
    }
    const code = typeof e === 'object' && e && 'code' in e ? ` [${String((e as { code: unknown }).code)}]` : '';
    console.error(`mcpg ${name}: ${e instanceof Error ? e.message : String(e)}${code}`);
    return 1;
  }
}

// Exit explicitly: a client library may keep a timer alive after everything is closed.
process.exit(await main(process.argv.slice(2)));
