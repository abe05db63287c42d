import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { WebhookSink, signWebhookBody } from '../../../src/export/sinks/webhook.js';
import { Batcher } from '../../../src/export/batcher/index.js';
import type { SinkRecord } from '../../../src/export/sinks/sink.js';

const rec = (i: number): SinkRecord => ({ id: `r${i}`, type: 'inspection', body: Buffer.from(JSON.stringify({ i })) });

test('POSTs signed JSON lines; a 5xx is retried by the batcher until acknowledged, in order', async () => {
  const got: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  let failFirst = 2;
  const srv = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      if (failFirst-- > 0) {
        res.writeHead(503).end();
        return;
      }
      got.push({ headers: req.headers, body: Buffer.concat(parts) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  try {
    const sink = new WebhookSink({ name: 'hook', url: `http://127.0.0.1:${port}/in`, secret: 's3cret' });
    const b = new Batcher(sink, { batchSize: 40, retryBaseMs: 5, retryMaxMs: 20 });
    await b.open();
    for (let i = 0; i < 100; i++) b.push(rec(i));
    assert.equal(await b.drain(5000), true);
    await b.close();
    assert.equal(b.counters.retried, 2);
    assert.equal(b.counters.sent, 100);
    const ids = got.flatMap((g) => g.body.toString().trim().split('\n').map((l) => (JSON.parse(l) as { i: number }).i));
    assert.deepEqual(ids, Array.from({ length: 100 }, (_, i) => i));
    for (const g of got) {
      assert.equal(g.headers['content-type'], 'application/x-ndjson');
      const ts = g.headers['x-fleetgate-timestamp'] as string;
      assert.equal(g.headers['x-fleetgate-signature'], signWebhookBody('s3cret', ts, g.body));
      assert.match(g.headers['idempotency-key'] as string, /^r\d+\.\.r\d+$/);
    }
    assert.equal(got[0].headers['idempotency-key'], 'r0..r39');
  } finally {
    srv.close();
  }
});

test('signature is HMAC-SHA256 over "<timestamp>.<body>"', () => {
  // reference: echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
  assert.equal(signWebhookBody('key', '1700000000', Buffer.from('{"a":1}')), 'sha256=' + signWebhookBodyRef());
});

function signWebhookBodyRef(): string {
  return 'a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03';
}
