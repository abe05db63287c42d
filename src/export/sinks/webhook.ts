// HTTP(S) webhook sink: POSTs each batch as JSON lines. With a secret, the body is signed:
// `X-Fleetgate-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with
// `X-Fleetgate-Timestamp` (UNIX seconds), so a receiver can check origin and reject replays.
import { createHmac } from 'node:crypto';
import type { Sink, SinkRecord } from './sink.js';

export interface WebhookSinkOptions {
  name: string;
  url: string;
  secret?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export function signWebhookBody(secret: string, timestamp: string, body: Uint8Array): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

export class WebhookSink implements Sink {
  readonly name: string;

  constructor(private readonly o: WebhookSinkOptions) {
    this.name = o.name;
    const u = new URL(o.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${o.name}: webhook url must be http(s): ${o.url}`);
  }

  async open(): Promise<void> {}

  async write(batch: readonly SinkRecord[]): Promise<void> {
    if (batch.length === 0) return;
    const parts: Buffer[] = [];
    for (const r of batch) parts.push(Buffer.from(r.body.buffer, r.body.byteOffset, r.body.length), Buffer.from('\n'));
    const body = Buffer.concat(parts);
    const ts = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/x-ndjson',
      'x-fleetgate-timestamp': ts,
      'x-fleetgate-records': String(batch.length),
      // stable across retries: receivers can drop a batch they already took
      'idempotency-key': `${batch[0].id}..${batch[batch.length - 1].id}`,
      ...this.o.headers,
    };
    if (this.o.secret) headers['x-fleetgate-signature'] = signWebhookBody(this.o.secret, ts, body);
    const res = await fetch(this.o.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000) });
    // read the body so the connection can be reused
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status >= 300) throw new Error(`${this.name}: ${this.o.url} answered ${res.status}`);
  }

  async close(): Promise<void> {}
}
