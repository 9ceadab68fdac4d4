// Starts a real Apache Kafka broker (single KRaft node on 127.0.0.1) as a
// child process, from the jars provisionKafka fetched. For tests, CI and
// `mcpg kafka start`; production brokers are run by their own tooling.
//
// Lifetime: the broker runs in its own session (a terminal's Ctrl-C reaches
// only the parent) and a tiny shell watchdog holds a pipe from the parent.
// When the parent dies in any way — even SIGKILL — the kernel closes the pipe,
// the watchdog sends the broker SIGTERM (controlled shutdown, ~2 s) and SIGKILL
// if it is still there 30 s later. So a broker outlives a crashed parent by
// its shutdown time, and never lingers on a port the next run wants.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { access, mkdir, open, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import kafkajs from 'kafkajs';
import { BusError } from '../errors.ts';
import { LOG4J2_PROPERTIES, jvmArgs, newClusterId, serverProperties, type BrokerTls } from './broker-config.ts';
import { provisionKafka, tail } from './provision.ts';
import { assertJava17 } from './toolchain.ts';

export { provisionKafka } from './provision.ts';

export interface LocalBrokerOptions {
  readonly port: number;
  /** KRaft controller listener. Default port + 1. */
  readonly controllerPort?: number;
  /** Kept across restarts: formatted once, then reused with its topics and offsets. */
  readonly dataDir: string;
  /** num.partitions (for topics created without a count). Default 3. */
  readonly partitions?: number;
  /** JVM max heap. Default 512. */
  readonly heapMb?: number;
  /** Progress lines ("formatting storage", "ready in 3.1 s"). The broker's own log is dataDir/broker.log. */
  readonly log?: (line: string) => void;
  /** Default 60 000. */
  readonly startTimeoutMs?: number;
  /** Users (name → password) of a SASL/PLAIN listener instead of an open one. */
  readonly saslPlainUsers?: Readonly<Record<string, string>>;
  /** TLS on the client listener (with saslPlainUsers: SASL over TLS). */
  readonly tls?: BrokerTls;
}

export interface LocalBroker {
  /** ['127.0.0.1:port'] */
  readonly brokers: string[];
  readonly pid: number;
  /** SIGTERM, wait for the controlled shutdown, SIGKILL after 30 s. Idempotent. */
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 30_000;

// $1 is the broker pid. `read` returns when the parent's end of stdin closes.
const WATCHDOG = `read _ignored
kill -TERM "$1" 2>/dev/null || exit 0
i=0
while kill -0 "$1" 2>/dev/null; do
  i=$((i+1)); if [ "$i" -gt 60 ]; then kill -KILL "$1" 2>/dev/null; exit 0; fi
  sleep 0.5
done`;

export async function startLocalBroker(options: LocalBrokerOptions): Promise<LocalBroker> {
  const started = Date.now();
  const say = options.log ?? (() => undefined);
  const port = options.port;
  const controllerPort = options.controllerPort ?? port + 1;
  const dataDir = resolve(options.dataDir);
  const logDir = join(dataDir, 'kraft');
  const brokerLog = join(dataDir, 'broker.log');

  const libDir = await provisionKafka({ quiet: true });
  await assertJava17();
  await assertPortFree(port, 'broker');
  await assertPortFree(controllerPort, 'controller');

  await mkdir(dataDir, { recursive: true });
  const propsFile = join(dataDir, 'server.properties');
  const log4jFile = join(dataDir, 'log4j2.properties');
  await writeFile(propsFile, serverProperties({ port, controllerPort, logDir, partitions: options.partitions ?? 3, saslPlainUsers: options.saslPlainUsers, tls: options.tls }));
  await writeFile(log4jFile, LOG4J2_PROPERTIES);
  const jvm = [...jvmArgs(options.heapMb ?? 512, log4jFile), '-cp', join(libDir, '*')];

  if (!(await exists(join(logDir, 'meta.properties')))) {
    say(`formatting KRaft storage in ${logDir}`);
    const code = await runToLog('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', propsFile], brokerLog);
    if (code !== 0) {
      throw new BusError('BROKER_START_FAILED', `Formatting Kafka storage failed (exit ${code}):\n${await logTail(brokerLog)}`);
    }
  }

  const out = openSync(brokerLog, 'a');
  const broker = spawn('java', [...jvm, 'kafka.Kafka', propsFile], { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise<number | null>((done) => broker.once('exit', (code) => done(code)));
  broker.unref();
  const pid = broker.pid;
  if (pid === undefined) throw new BusError('BROKER_START_FAILED', 'java did not start (no pid)');
  const watchdog = startWatchdog(pid);

  const brokers = [`127.0.0.1:${port}`];
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      watchdog.kill('SIGKILL');
      if (broker.exitCode !== null || broker.signalCode !== null) return;
      broker.ref(); // keep the event loop alive until the exit is seen
      broker.kill('SIGTERM');
      const timer = setTimeout(() => broker.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  try {
    const probeUser = Object.entries(options.saslPlainUsers ?? {})[0];
    const sasl = probeUser ? ({ mechanism: 'plain', username: probeUser[0], password: probeUser[1] } as const) : undefined;
    // The probe trusts the broker's CA and, where clients must show a certificate, shows the broker's own.
    const ssl = options.tls ? { ca: [options.tls.caPem], cert: options.tls.certPem, key: options.tls.keyPem } : undefined;
    await waitUntilReady(brokers, exited, options.startTimeoutMs ?? 60_000, brokerLog, { sasl, ssl });
  } catch (error) {
    await stop();
    throw error;
  }
  say(`Kafka broker on ${brokers[0]} (pid ${pid}) ready in ${((Date.now() - started) / 1000).toFixed(1)} s; log ${brokerLog}`);
  return { brokers, pid, stop };
}

function startWatchdog(brokerPid: number): ChildProcess {
  const watchdog = spawn('/bin/sh', ['-c', WATCHDOG, 'mcpg-kafka-watchdog', String(brokerPid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Neither the watchdog nor its pipe may keep the parent alive.
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return watchdog;
}

/** Polls describeCluster until it answers; fails early if the process exits. */
async function waitUntilReady(
  brokers: string[],
  exited: Promise<number | null>,
  timeoutMs: number,
  brokerLog: string,
  security: { sasl?: { mechanism: 'plain'; username: string; password: string }; ssl?: { ca: string[]; cert: string; key: string } },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  let lastError = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new BusError('BROKER_START_FAILED', `Kafka broker exited (code ${exitCode}) during start-up:\n${await logTail(brokerLog)}`);
    }
    const kafka = new kafkajs.Kafka({
      clientId: 'mcpg-local-broker-probe',
      brokers,
      logLevel: kafkajs.logLevel.NOTHING,
      connectionTimeout: 1_000,
      retry: { retries: 0 },
      ...(security.sasl ? { sasl: security.sasl } : {}),
      ...(security.ssl ? { ssl: security.ssl } : {}),
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      return;
    } catch (error) {
      lastError = String(error);
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
  throw new BusError(
    'BROKER_START_FAILED',
    `Kafka broker on ${brokers.join(',')} did not answer within ${timeoutMs} ms (last: ${lastError}):\n${await logTail(brokerLog)}`,
  );
}

function assertPortFree(port: number, role: string): Promise<void> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new BusError(
          'PORT_IN_USE',
          `Port ${port} on 127.0.0.1 (Kafka ${role}) is already in use — another broker still running? ` +
            `Stop it, or pick other ports (port and controllerPort).`,
          { cause: error },
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort()));
  });
}

function runToLog(command: string, args: string[], logFile: string): Promise<number> {
  const out = openSync(logFile, 'a');
  return new Promise<number>((done, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', out, out] });
    child.once('error', reject);
    child.once('close', (code) => done(code ?? 1));
  }).finally(() => closeSync(out));
}

async function logTail(file: string): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 16_384);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return tail(buffer.toString('utf8'), 40);
    } finally {
      await handle.close();
    }
  } catch {
    return '(no broker log)';
  }
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);
