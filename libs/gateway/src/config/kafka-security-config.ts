// `kafka.tls` and `kafka.sasl` of the gateway's configuration file: how the
// gateway authenticates to a Kafka that requires it (Strimzi's tls or
// scram-sha-512 listeners, managed services). The password is never in the
// file itself, only the path of a file that holds it (a mounted Secret).
import { SASL_MECHANISMS, type SaslMechanism } from '@mcpg/bus';
import type { Doc, FieldReader } from './field-reader.ts';

export interface GatewayKafkaTls {
  /** PEM CA bundle of the brokers (empty: the system's CAs). */
  readonly caFile: string;
  /** PEM client certificate and key, for certificate authentication (both or neither). */
  readonly certFile: string;
  readonly keyFile: string;
}

export interface GatewayKafkaSasl {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  /** File holding the password (trailing newline ignored). */
  readonly passwordFile: string;
}

export function readKafkaTls(r: FieldReader, kafka: Doc): GatewayKafkaTls | undefined {
  if (kafka.tls === undefined || kafka.tls === null || kafka.tls === false) return undefined;
  if (kafka.tls === true) return { caFile: '', certFile: '', keyFile: '' };
  const tls = r.object(kafka.tls, 'kafka.tls', ['caFile', 'certFile', 'keyFile']);
  const file = (key: string) => r.string(tls, key, 'kafka.tls', { default: '' });
  const out = { caFile: file('caFile'), certFile: file('certFile'), keyFile: file('keyFile') };
  if (Boolean(out.certFile) !== Boolean(out.keyFile)) r.problem('kafka.tls', 'certFile and keyFile go together');
  return out;
}

export function readKafkaSasl(r: FieldReader, kafka: Doc): GatewayKafkaSasl | undefined {
  if (kafka.sasl === undefined || kafka.sasl === null) return undefined;
  const sasl = r.object(kafka.sasl, 'kafka.sasl', ['mechanism', 'username', 'passwordFile']);
  const mechanism = r.string(sasl, 'mechanism', 'kafka.sasl', { hint: SASL_MECHANISMS.join(' | ') });
  if (mechanism && !(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    r.problem('kafka.sasl.mechanism', `invalid value ${JSON.stringify(mechanism)} (one of ${SASL_MECHANISMS.join(', ')})`);
  }
  return {
    mechanism: mechanism as SaslMechanism,
    username: r.string(sasl, 'username', 'kafka.sasl'),
    passwordFile: r.string(sasl, 'passwordFile', 'kafka.sasl'),
  };
}
