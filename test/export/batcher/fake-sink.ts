// A sink for batcher tests: records what it received, fails while `down` is true.
import type { Sink, SinkRecord } from '../../../src/export/sinks/sink.js';

export class FakeSink implements Sink {
  received: SinkRecord[] = [];
  writes = 0;
  down = false;
  delayMs = 0;
  constructor(readonly name = 'fake') {}
  async open(): Promise<void> {}
  async write(batch: readonly SinkRecord[]): Promise<void> {
    this.writes++;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.down) throw new Error('destination down');
    this.received.push(...batch);
  }
  async close(): Promise<void> {}
}

export function rec(i: number): SinkRecord {
  return { id: `r${i}`, type: 'flow', body: Buffer.from(JSON.stringify({ i })) };
}
