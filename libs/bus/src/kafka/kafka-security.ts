// How the Kafka client authenticates and encrypts: TLS (optionally with a
// client certificate, as Strimzi's `tls` listeners use) and SASL (PLAIN or
// SCRAM, as managed Kafka services and Strimzi's `scram-sha-512` use).
// Credentials arrive as values; reading files and the environment is the
// composition root's job.
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { BusError } from '../errors.ts';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaSasl {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}

export interface KafkaTls {
  /** PEM CA bundle to trust instead of the system's (a private cluster CA). */
  readonly ca?: string;
  /** PEM client certificate and key, for brokers that authenticate clients by certificate. */
  readonly cert?: string;
  readonly key?: string;
}

/** The `ssl` and `sasl` parts of the kafkajs client configuration. */
export function kafkaSecurity(tls: KafkaTls | undefined, sasl: KafkaSasl | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (sasl && (!sasl.username || !sasl.password)) {
    throw new BusError('INVALID_CONFIG', `SASL ${sasl.mechanism} needs a username and a password`);
  }
  if (tls && Boolean(tls.cert) !== Boolean(tls.key)) {
    throw new BusError('INVALID_CONFIG', 'a TLS client certificate needs its key, and a key its certificate');
  }
  const ssl = tls ? (tls.ca || tls.cert ? { ca: tls.ca ? [tls.ca] : undefined, cert: tls.cert, key: tls.key } : true) : undefined;
  return { ...(ssl === undefined ? {} : { ssl }), ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions } : {}) };
}
