// Test-side consumers and checks shared by the sink tests.
import assert from 'node:assert/strict';
import type { SinkRecord } from '../../../../src/export/sinks/sink.js';
import { sleep } from './servers.js';

/** Polls until `done()` or the timeout; returns whether it became true. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) return false;
    await sleep(50);
  }
  return true;
}

export interface Received {
  /** Destination (topic, subject, table, index...). */
  dest: string;
  id: string;
  body: string;
}

/**
 * Checks delivery is exact after dropping repeats (at-least-once): every record arrived once, with its
 * content, at the destination `destOf` gives, and in push order per destination.
 */
export function assertDelivered(sent: readonly SinkRecord[], got: readonly Received[], destOf: (r: SinkRecord) => string): void {
  const dec = new TextDecoder();
  const seen = new Set<string>();
  const firsts: Received[] = [];
  for (const g of got) {
    if (seen.has(g.id)) continue;
    seen.add(g.id);
    firsts.push(g);
  }
  assert.equal(firsts.length, sent.length, `distinct records received ${firsts.length}, sent ${sent.length}`);
  const byId = new Map(sent.map((r) => [r.id, r]));
  for (const g of firsts) {
    const r = byId.get(g.id);
    assert.ok(r, `unexpected record ${g.id}`);
    assert.equal(g.dest, destOf(r), `destination of ${g.id}`);
    assert.equal(g.body, dec.decode(r.body), `content of ${g.id}`);
  }
  // Per destination, first arrivals are in the order the records were sent.
  const order = new Map<string, string[]>();
  for (const r of sent) order.set(destOf(r), [...(order.get(destOf(r)) ?? []), r.id]);
  const gotOrder = new Map<string, string[]>();
  for (const g of firsts) gotOrder.set(g.dest, [...(gotOrder.get(g.dest) ?? []), g.id]);
  assert.deepEqual(gotOrder, order);
}

/** How long the fault tests keep a server down (the issue asks for 30 s; FG_SINK_OUTAGE_MS shortens it locally). */
export const OUTAGE_MS = Number(process.env.FG_SINK_OUTAGE_MS ?? 30_000);
