// A member of an in-memory consumer group (see memory-group.ts for delivery).

import { BusError } from '../errors.ts';
import type { BusLog } from '../log.ts';
import type { BatchHandler, BusConsumer, CommitPosition, ConsumeOptions, MessageBatch } from '../port.ts';
import type { GroupMember, MemoryGroup } from './memory-group.ts';
import type { MemoryLog } from './memory-log.ts';

type State = 'new' | 'running' | 'closing' | 'stopped';

export class MemoryConsumer implements BusConsumer, GroupMember {
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  private state: State = 'new';
  private handler: BatchHandler | null = null;

  constructor(
    private readonly options: ConsumeOptions,
    private readonly group: MemoryGroup,
    private readonly memoryLog: MemoryLog,
    private readonly log: BusLog,
  ) {
    this.topics = [...options.topics];
    this.fromBeginning = options.fromBeginning ?? true;
  }

  async start(handler: BatchHandler): Promise<void> {
    if (this.state !== 'new') throw new BusError('CLOSED', `Consumer of group ${this.options.groupId} was already started or closed`);
    const missing = this.topics.filter((t) => this.memoryLog.partitionCount(t) === undefined);
    if (missing.length > 0) throw new BusError('TOPIC_NOT_FOUND', `Cannot subscribe to missing topic(s) ${missing.join(', ')}`);
    this.handler = handler;
    this.state = 'running';
    this.group.join(this);
  }

  async commit(positions: readonly CommitPosition[]): Promise<void> {
    // 'closing' still commits: the batch close() waits for may commit at its end.
    if (this.state !== 'running' && this.state !== 'closing') throw new BusError('CLOSED', `Consumer of group ${this.options.groupId} is not running; commit refused`);
    this.group.commit(positions);
  }

  async close(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'closing') return;
    const wasRunning = this.state === 'running';
    this.state = 'closing';
    if (wasRunning) await this.group.leave(this);
    this.state = 'stopped';
  }

  async deliver(batch: MessageBatch): Promise<boolean> {
    if (this.handler === null) return false;
    try {
      await this.handler(batch);
      return true;
    } catch (cause) {
      this.state = 'stopped';
      const error = new BusError(
        'HANDLER_FAILED',
        `Handler of group ${this.options.groupId} failed on ${batch.topic}/${batch.partition} at offset ${batch.messages[0]?.offset}; consumer stopped`,
        { cause },
      );
      if (this.options.onError) this.options.onError(error);
      else this.log('error', error.message, { cause });
      return false;
    }
  }
}
