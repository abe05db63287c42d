import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppMeta, Dir, FlowView } from '../../../src/classify/dissector.js';
import { httpDissector, stripPort } from '../../../src/classify/protocols/http.js';

const flow = (c0: number, c1: number): FlowView => ({ l4: 'tcp', srcPort: 40000, dstPort: 80, payloadPackets: [c0, c1] });

function run(segs: { dir: Dir; s: string }[]): { result: string; meta: AppMeta } {
  const st = httpDissector.init();
  const meta: AppMeta = {};
  const c: [number, number] = [0, 0];
  let result = 'more';
  for (const g of segs) {
    c[g.dir]++;
    const d = Buffer.from(g.s, 'latin1');
    if (result === 'more') result = httpDissector.probe(d, g.dir, flow(c[0], c[1]), st);
    if (result === 'match') httpDissector.extract?.(d, g.dir, flow(c[0], c[1]), st, meta);
  }
  return { result, meta };
}

const REQ = 'GET /fw/v2/check?id=7 HTTP/1.1\r\nHost: updates.example.com:8080\r\nUser-Agent: sensor/1.2 (arm)\r\nAccept: */*\r\n\r\n';
const RESP = 'HTTP/1.1 200 OK\r\nServer: nginx/1.25\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';

test('request split over two segments, then the response', () => {
  const r = run([{ dir: 0, s: REQ.slice(0, 40) }, { dir: 0, s: REQ.slice(40) }, { dir: 1, s: RESP }]);
  assert.equal(r.result, 'match');
  assert.equal(r.meta.hostname, 'updates.example.com');
  assert.deepEqual(r.meta.http, {
    http_method: 'GET', url: '/fw/v2/check?id=7', protocol: 'HTTP/1.1', hostname: 'updates.example.com',
    http_user_agent: 'sensor/1.2 (arm)', status: 200, http_content_type: 'application/json',
  });
  assert.equal(r.meta.extra?.http_server, 'nginx/1.25');
});

test('request line split before the method ends waits, then matches', () => {
  const st = httpDissector.init();
  assert.equal(httpDissector.probe(Buffer.from('PROP'), 0, flow(1, 0), st), 'more');
  assert.equal(httpDissector.probe(Buffer.from('FIND /dav/ HTTP/1.1\r\n'), 0, flow(2, 0), st), 'match');
});

test('methods, responses first, and non-HTTP', () => {
  for (const m of ['POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'MKCOL', 'PROPPATCH', 'LOCK']) {
    assert.equal(run([{ dir: 0, s: `${m} / HTTP/1.1\r\n\r\n` }]).result, 'match', m);
  }
  const c = run([{ dir: 0, s: 'CONNECT iot.example.net:443 HTTP/1.1\r\nHost: iot.example.net:443\r\n\r\n' }]);
  assert.equal(c.meta.http?.http_method, 'CONNECT');
  assert.equal(c.meta.hostname, 'iot.example.net');
  assert.equal(run([{ dir: 0, s: RESP }]).meta.http?.status, 200);
  for (const s of ['GETX / HTTP/1.1\r\n', 'SSH-2.0-x\r\n', '\x16\x03\x01\x00', 'HTTP/2.0 200 OK\r\n', 'get / HTTP/1.1\r\n']) {
    assert.equal(run([{ dir: 0, s }]).result, 'exclude', JSON.stringify(s));
  }
});

test('stripPort', () => {
  assert.equal(stripPort('a.example:80'), 'a.example');
  assert.equal(stripPort('[2001:db8::1]:8080'), '2001:db8::1');
  assert.equal(stripPort('2001:db8::1'), '2001:db8::1');
  assert.equal(stripPort('plain'), 'plain');
});

test('every truncation and a 10 KiB header block: bounded, no throw', () => {
  for (let n = 1; n < REQ.length; n++) {
    const r = run([{ dir: 0, s: REQ.slice(0, n) }]);
    assert.notEqual(r.result, 'exclude', `prefix ${n}`);
  }
  const big = 'GET / HTTP/1.1\r\n' + 'X-Pad: ' + 'a'.repeat(10000) + '\r\nHost: late.example\r\n\r\n';
  const segs = [];
  for (let i = 0; i < big.length; i += 1400) segs.push({ dir: 0 as Dir, s: big.slice(i, i + 1400) });
  const r = run(segs);
  assert.equal(r.result, 'match');
  assert.equal(r.meta.http?.http_method, 'GET');
  assert.equal(r.meta.hostname, undefined); // past the 4 KiB buffer
});
