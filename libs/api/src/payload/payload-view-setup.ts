// The API's payload views from settings: the org keys from the keystore and
// KEK files (followed as they change), and the views recorded by sending
// `payload.view` audit events to the audit topic with the given producer.
import { auditCodec, TOPICS } from '@mcpg/events';
import { LiveKeyring, readKekFile } from '@mcpg/payload-crypto';
import type { BusProducer } from '@mcpg/pipeline';
import type { ApiDeps } from '../app.ts';

export function payloadViews(o: { readonly keystoreFile: string; readonly kekFile: string; readonly producer: BusProducer; readonly viewsPerMinute: number; readonly auditTopic?: string }): NonNullable<ApiDeps['payloads']> {
  const keys = new LiveKeyring({ keystorePath: o.keystoreFile, wrapper: readKekFile(o.kekFile) });
  const topic = o.auditTopic ?? TOPICS.audit;
  return {
    keys,
    viewsPerMinute: o.viewsPerMinute,
    audit: (events) => o.producer.send(topic, events.map((e) => ({ key: e.org, value: auditCodec.encode(e) }))),
  };
}
