// Checks for the programs a local broker needs, with messages that say what to install.

import { spawn } from 'node:child_process';
import { BusError } from '../errors.ts';

const INSTALL: Readonly<Record<string, string>> = {
  java: 'install Java 17+ (Debian: apt-get install openjdk-17-jre-headless)',
  mvn: 'install Maven 3.8+ (Debian: apt-get install maven)',
};

let javaChecked: Promise<void> | null = null;

/** Kafka 4 brokers need Java 17+. Remembered once it passes (a failure is checked again next time). */
export function assertJava17(): Promise<void> {
  javaChecked ??= (async () => {
    const { code, output } = await capture('java', ['-version']);
    const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
    const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : NaN;
    if (code !== 0 || !(major >= 17)) {
      throw new BusError('TOOLCHAIN_MISSING', `Kafka 4 needs Java 17 or newer; \`java -version\` says: ${output.trim() || `exit ${code}`}`);
    }
  })().catch((error: unknown) => {
    javaChecked = null;
    throw error;
  });
  return javaChecked;
}

/** Runs a command to completion, stdout and stderr together (the last 20 kB). */
export function capture(
  command: string,
  args: readonly string[],
  options: { cwd?: string; echo?: boolean } = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      // Debian's Maven prints colour resets even with -B -q.
      const text = chunk.toString().replace(/\x1b\[[0-9;]*m/g, '');
      output = (output + text).slice(-20_000);
      if (options.echo && text) process.stderr.write(text);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new BusError('TOOLCHAIN_MISSING', `${command} is not installed or not on PATH: ${INSTALL[command] ?? `install ${command}`}`, { cause: error })
          : error,
      );
    });
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
