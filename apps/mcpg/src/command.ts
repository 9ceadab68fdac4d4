// A CLI command: its settings (flags and variables), one-line summary and run.
import type { SettingsSpec } from '@mcpg/config';

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Extra help text after the generated settings list. */
  readonly details?: string;
  readonly settings: SettingsSpec;
  run(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number | void>;
}
