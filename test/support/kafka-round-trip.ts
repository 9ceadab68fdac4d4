// One message through a real broker: produced by one bus, consumed from the
// beginning by another (each with its own credentials or certificates).
import type { Bus } from '@mcpg/pipeline';

/** Sends `value` to `topic` (created with one partition) through `from` and returns what `to` reads there. */
export async function sendAndReceive(from: Bus, to: Bus, topic: string, groupId: string, value: string): Promise<string[]> {
  await from.ensureTopics([{ name: topic, partitions: 1 }]);
  const producer = await from.producer();
  await producer.send(topic, [{ key: 'acme', value: Buffer.from(value) }]);
  const seen: string[] = [];
  let done!: () => void;
  const got = new Promise<void>((resolve) => (done = resolve));
  const consumer = await to.consumer({ groupId, topics: [topic], fromBeginning: true });
  await consumer.start(async (batch) => {
    for (const m of batch.messages) seen.push(m.value.toString());
    done();
  });
  await got;
  await consumer.close();
  return seen;
}
