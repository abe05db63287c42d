import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppMeta, FlowView } from '../../../src/classify/dissector.js';
import { dnsDissector } from '../../../src/classify/protocols/dns.js';
import { parseDnsMessage, readDnsName } from '../../../src/classify/protocols/dns-wire.js';

const udp = (c0: number, c1: number): FlowView => ({ l4: 'udp', srcPort: 40000, dstPort: 53, payloadPackets: [c0, c1] });
const tcp = (c0: number, c1: number): FlowView => ({ l4: 'tcp', srcPort: 40000, dstPort: 53, payloadPackets: [c0, c1] });

const name = (s: string) => [...s.split('.').flatMap((l) => [l.length, ...Buffer.from(l)]), 0];
const QUERY = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...name('www.example.com'), 0, 1, 0, 1];
// Response: question, CNAME www → cdn.example.com (pointer to "example.com" at 16), A and AAAA for it.
const RESPONSE = [
  0x12, 0x34, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0, ...name('www.example.com'), 0, 1, 0, 1,
  0xc0, 12, 0, 5, 0, 1, 0, 0, 0x0e, 0x10, 0, 6, 3, 0x63, 0x64, 0x6e, 0xc0, 16,
  0xc0, 45, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7,
  0xc0, 45, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
];

test('query then response over UDP: queries, answers with compression, rcode', () => {
  const st = dnsDissector.init();
  const meta: AppMeta = {};
  const q = Uint8Array.from(QUERY);
  assert.equal(dnsDissector.probe(q, 0, udp(1, 0), st), 'match');
  dnsDissector.extract?.(q, 0, udp(1, 0), st, meta);
  assert.deepEqual(meta.dns, { id: 0x1234, type: 'request', queries: [{ rrname: 'www.example.com', rrtype: 'A' }] });
  dnsDissector.extract?.(Uint8Array.from(RESPONSE), 1, udp(1, 1), st, meta);
  assert.equal(meta.hostname, 'www.example.com');
  assert.equal(meta.dns?.type, 'response');
  assert.equal(meta.dns?.rcode, 'NOERROR');
  assert.deepEqual(meta.dns?.answers, [
    { rrname: 'www.example.com', rrtype: 'CNAME', ttl: 3600, rdata: 'cdn.example.com' },
    { rrname: 'cdn.example.com', rrtype: 'A', ttl: 60, rdata: '192.0.2.7' },
    { rrname: 'cdn.example.com', rrtype: 'AAAA', ttl: 60, rdata: '2001:db8::1' },
  ]);
});

test('parseDnsMessage: rrtype and rcode text', () => {
  const m = Uint8Array.from([0, 1, 0x81, 0x83, 0, 1, 0, 0, 0, 0, 0, 0, ...name('x.test'), 0, 65, 0, 1]);
  const msg = parseDnsMessage(m, 0);
  assert.ok(msg);
  assert.equal(msg.rcode, 3);
  assert.equal(msg.queries[0].rrtype, 'HTTPS');
  const st = dnsDissector.init();
  const meta: AppMeta = {};
  dnsDissector.extract?.(m, 1, udp(0, 1), st, meta);
  assert.equal(meta.dns?.rcode, 'NXDOMAIN');
});

test('TCP: 2-byte length prefix, message split over two segments', () => {
  const msg = [0, QUERY.length, ...QUERY];
  const st = dnsDissector.init();
  assert.equal(dnsDissector.probe(Uint8Array.from(msg.slice(0, 9)), 0, tcp(1, 0), st), 'more');
  assert.equal(dnsDissector.probe(Uint8Array.from(msg.slice(9)), 0, tcp(2, 0), st), 'match');
  const meta: AppMeta = {};
  dnsDissector.extract?.(Uint8Array.from(msg.slice(9)), 0, tcp(2, 0), st, meta);
  assert.equal(meta.hostname, 'www.example.com');
});

test('pointer loops, forward pointers and names past the end are rejected', () => {
  const loop = Uint8Array.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
  assert.equal(readDnsName(loop, 0, 12, loop.length), null);
  assert.equal(parseDnsMessage(loop, 0), null);
  const fwd = Uint8Array.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 14, 1, 0x61, 0]);
  assert.equal(readDnsName(fwd, 0, 12, fwd.length), null);
  const long = Uint8Array.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63, 0x61, 0x62]);
  assert.equal(parseDnsMessage(long, 0), null);
  const st = dnsDissector.init();
  assert.equal(dnsDissector.probe(loop, 0, udp(1, 0), st), 'exclude');
});

test('every truncation of a response, and random corruption: no throw, no match on a prefix', () => {
  for (let n = 0; n < RESPONSE.length; n++) {
    const st = dnsDissector.init();
    assert.equal(dnsDissector.probe(Uint8Array.from(RESPONSE.slice(0, n)), 1, udp(0, 1), st), 'exclude', `prefix ${n}`);
  }
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16);
  for (let i = 0; i < 5000; i++) {
    const d = Uint8Array.from(RESPONSE);
    for (let k = 0; k < 1 + (i % 6); k++) d[rnd() % d.length] = rnd() & 0xff;
    const st = dnsDissector.init();
    const meta: AppMeta = {};
    dnsDissector.probe(d, 1, udp(0, 1), st);
    dnsDissector.extract?.(d, 1, udp(0, 1), st, meta);
    assert.ok(meta.dns === undefined || Array.isArray(meta.dns.queries));
  }
});

test('non-DNS payloads are excluded', () => {
  for (const s of ['GET / HTTP/1.1\r\nHost: a\r\n\r\n', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03']) {
    assert.equal(dnsDissector.probe(Buffer.from(s, 'latin1'), 0, udp(1, 0), dnsDissector.init()), 'exclude');
  }
});
