// What a single-node KRaft broker on loopback needs: server.properties, a
// log4j2 config, JVM flags, a cluster id. Pure functions, no I/O.

import { randomBytes } from 'node:crypto';

export interface BrokerConfig {
  readonly port: number;
  readonly controllerPort: number;
  /** Where partitions and the metadata log live (log.dirs). */
  readonly logDir: string;
  readonly partitions: number;
  /**
   * Users (name → password) of a SASL/PLAIN client listener, for testing
   * authenticated clients. Absent: the listener is PLAINTEXT without auth.
   */
  readonly saslPlainUsers?: Readonly<Record<string, string>>;
  /** TLS on the client listener, for testing encrypted clients. Absent: plain TCP. */
  readonly tls?: BrokerTls;
}

/** PEM texts. The broker uses its own certificate also as a client of itself. */
export interface BrokerTls {
  /** The broker's certificate chain; valid for 127.0.0.1 (subjectAltName IP). */
  readonly certPem: string;
  /** Its unencrypted PKCS#8 private key ("BEGIN PRIVATE KEY"). */
  readonly keyPem: string;
  /** The CA that clients' certificates (and the broker's own) are signed by. */
  readonly caPem: string;
  /** Refuse clients without a certificate signed by caPem (ssl.client.auth=required). */
  readonly requireClientCert?: boolean;
}

/** The broker's own account on its SASL listener (it is its own inter-broker peer). */
const BROKER_USER = 'mcpg-broker';


function listenerProperties(c: BrokerConfig): Record<string, string> {
  const protocol = `${c.saslPlainUsers ? 'SASL_' : ''}${c.tls ? 'SSL' : 'PLAINTEXT'}`;
  return {
    listeners: `${protocol}://127.0.0.1:${c.port},CONTROLLER://127.0.0.1:${c.controllerPort}`,
    'advertised.listeners': `${protocol}://127.0.0.1:${c.port}`,
    'inter.broker.listener.name': protocol,
    'listener.security.protocol.map': `${protocol}:${protocol},CONTROLLER:PLAINTEXT`,
    ...(c.tls ? tlsProperties(c.tls) : {}),
    ...(c.saslPlainUsers ? saslProperties(protocol, c.saslPlainUsers) : {}),
  };
}

// A properties file turns the two characters \n into a line break, which is
// how PEM texts fit on one line; base64, dashes and spaces need no escape.
const pemValue = (pem: string) => {
  if (!/^-----BEGIN [A-Z ]+-----[A-Za-z0-9+/=\s-]+-----END [A-Z ]+-----\s*$/.test(pem)) throw new Error('broker TLS: expected PEM text (-----BEGIN ...-----)');
  return pem.trim().replace(/\r?\n/g, '\\n');
};

function tlsProperties(tls: BrokerTls): Record<string, string> {
  return {
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.certificate.chain': pemValue(tls.certPem),
    'ssl.keystore.key': pemValue(tls.keyPem),
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.certificates': pemValue(tls.caPem),
    'ssl.client.auth': tls.requireClientCert ? 'required' : 'none',
  };
}

function saslProperties(protocol: string, saslPlainUsers: Readonly<Record<string, string>>): Record<string, string> {
  const brokerPassword = randomBytes(18).toString('base64url');
  const users = { ...saslPlainUsers, [BROKER_USER]: brokerPassword };
  // Values pass through two parsers (properties, then JAAS) with different
  // escapes: a test broker keeps to characters that need neither.
  for (const [name, pw] of Object.entries(users)) {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`SASL user name ${JSON.stringify(name)}: letters, digits, dot, dash and underscore only`);
    if (!/^[A-Za-z0-9._~!@#%^&*+=-]+$/.test(pw)) throw new Error(`SASL password of ${name}: letters, digits and ._~!@#%^&*+=- only`);
  }
  const accounts = Object.entries(users).map(([name, pw]) => `user_${name}="${pw}"`);
  return {
    'sasl.enabled.mechanisms': 'PLAIN',
    'sasl.mechanism.inter.broker.protocol': 'PLAIN',
    [`listener.name.${protocol.toLowerCase()}.plain.sasl.jaas.config`]: `org.apache.kafka.common.security.plain.PlainLoginModule required username="${BROKER_USER}" password="${brokerPassword}" ${accounts.join(' ')};`,
  };
}

export function serverProperties(c: BrokerConfig): string {
  const lines: Record<string, string | number> = {
    // One process is both broker and the (only) controller.
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${c.controllerPort}`,
    'controller.listener.names': 'CONTROLLER',
    ...listenerProperties(c),
    'log.dirs': c.logDir,
    'num.partitions': c.partitions,
    // Topics come from ensureTopics only, so a typo fails instead of creating a topic.
    'auto.create.topics.enable': 'false',
    // A single node cannot replicate: every internal topic at factor 1.
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // Fewer internal partitions: the first consumer group and producer id come up faster.
    'offsets.topic.num.partitions': 8,
    'transaction.state.log.num.partitions': 4,
    // Tests start and stop groups constantly; the default 3 s delay would slow every join.
    'group.initial.rebalance.delay.ms': 0,
    // Two cores: Kafka's defaults (3 network, 8 io threads) only add contention.
    'num.network.threads': 2,
    'num.io.threads': 4,
  };
  return `# Written by @mcpg/bus startLocalBroker; rewritten on every start.\n${Object.entries(lines)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

/** Everything to stdout, which the launcher sends to broker.log. */
export const LOG4J2_PROPERTIES = `status = warn
# Kafka logs its own shutdown; log4j's hook would stop logging before it does.
shutdownHook = disable
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
logger.request.name = kafka.request.logger
logger.request.level = warn
`;

/** Kafka's own KAFKA_JVM_PERFORMANCE_OPTS, with a small heap. */
export function jvmArgs(heapMb: number, log4jConfig: string): string[] {
  return [
    `-Xms${Math.min(heapMb, 128)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jConfig}`,
  ];
}

/** A Kafka cluster id: 16 random bytes, base64url, 22 chars; never starting with '-' (read as a flag). */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
