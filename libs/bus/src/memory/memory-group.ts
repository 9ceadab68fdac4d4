// One consumer group of the in-memory bus: who owns which partition, the
// committed offsets, and the loop that hands out batches.
//
// A single loop per group delivers one batch at a time, so a rebalance never
// races a batch in flight: ownership changes only between batches, the way a
// Kafka member rejoins only after its batch returns. Partitions that change
// owner restart from the committed offset (uncommitted work is redelivered).

import { BusError } from '../errors.ts';
import type { CommitPosition, MessageBatch } from '../port.ts';
import type { MemoryLog } from './memory-log.ts';

export interface GroupMember {
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  /** Resolves false if the handler rejected: the member is then out of the group. */
  deliver(batch: MessageBatch): Promise<boolean>;
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

interface Assigned {
  readonly topic: string;
  readonly partition: number;
  readonly owner: GroupMember;
}

export class MemoryGroup {
  private readonly members: GroupMember[] = [];
  private readonly committed = new Map<string, number>();
  private readonly positions = new Map<string, number>();
  private assigned: Assigned[] = [];
  private dirty = false;
  private cursor = 0;
  private inFlight: { member: GroupMember; done: Promise<unknown> } | null = null;
  private running = false;

  constructor(
    private readonly log: MemoryLog,
    private readonly maxBatchMessages: number,
  ) {}

  join(member: GroupMember): void {
    this.members.push(member);
    this.changed();
    if (!this.running) {
      this.running = true;
      // Next turn of the event loop, so members joining together share the first assignment.
      setImmediate(() => void this.run());
    }
  }

  /** Waits for the member's batch in flight, then hands its partitions to the others. */
  async leave(member: GroupMember): Promise<void> {
    if (this.inFlight?.member === member) await this.inFlight.done;
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
    this.changed();
  }

  commit(positions: readonly CommitPosition[]): void {
    for (const { topic, partition, offset } of positions) {
      if (!/^\d+$/.test(offset)) {
        throw new BusError('INVALID_REQUEST', `Commit for ${topic}/${partition}: offset must be a non-negative integer, got ${offset}`);
      }
      this.committed.set(tpKey(topic, partition), Number(offset));
    }
  }

  private changed(): void {
    this.dirty = true;
    this.log.changed.notify();
  }

  private async run(): Promise<void> {
    while (this.members.length > 0) {
      if (this.dirty) this.rebalance();
      const next = this.nextBatch();
      if (!next) {
        await this.log.changed.wait();
        continue;
      }
      const { owner, batch } = next;
      const done = owner.deliver(batch);
      this.inFlight = { member: owner, done };
      const ok = await done;
      this.inFlight = null;
      if (ok) {
        const last = batch.messages[batch.messages.length - 1]!;
        this.positions.set(tpKey(batch.topic, batch.partition), Number(last.offset) + 1);
      } else {
        // The handler failed: the member is out, its partitions restart from
        // the committed offset wherever they land.
        const index = this.members.indexOf(owner);
        if (index >= 0) this.members.splice(index, 1);
        this.dirty = true;
      }
    }
    this.running = false;
  }

  private rebalance(): void {
    this.dirty = false;
    const previous = new Map(this.assigned.map((a) => [tpKey(a.topic, a.partition), a.owner]));
    const topics = [...new Set(this.members.flatMap((m) => m.topics))].sort();
    const assigned: Assigned[] = [];
    for (const topic of topics) {
      const subscribers = this.members.filter((m) => m.topics.includes(topic));
      const count = this.log.partitionCount(topic) ?? 0;
      for (let partition = 0; partition < count; partition++) {
        assigned.push({ topic, partition, owner: subscribers[partition % subscribers.length]! });
      }
    }
    for (const { topic, partition, owner } of assigned) {
      const key = tpKey(topic, partition);
      if (previous.get(key) === owner) continue;
      const start = this.committed.get(key) ?? (owner.fromBeginning ? 0 : this.log.end(topic, partition));
      this.positions.set(key, start);
    }
    this.assigned = assigned;
  }

  /** Round-robin over the assigned partitions, so one busy partition cannot starve the rest. */
  private nextBatch(): { owner: GroupMember; batch: MessageBatch } | null {
    for (let i = 0; i < this.assigned.length; i++) {
      const index = (this.cursor + i) % this.assigned.length;
      const { topic, partition, owner } = this.assigned[index]!;
      const from = this.positions.get(tpKey(topic, partition)) ?? 0;
      const messages = this.log.read(topic, partition, from, this.maxBatchMessages);
      if (messages.length === 0) continue;
      this.cursor = index + 1;
      const highWatermark = String(this.log.end(topic, partition));
      return { owner, batch: { topic, partition, messages, highWatermark } };
    }
    return null;
  }
}
