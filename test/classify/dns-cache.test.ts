import test from 'node:test';
import assert from 'node:assert/strict';
import { DnsCache } from '../../src/classify/dns-cache.js';
import { parseDnsMessage } from '../../src/classify/protocols/dns-wire.js';
import { parseAddress } from '../../src/control/config/index.js';

const S = 1_000_000; // µs per second
const T0 = 1_700_000_000 * S;

const a = (rrname: string, rdata: string, ttl = 300) => ({ rrname, rrtype: 'A', ttl, rdata });
const aaaa = (rrname: string, rdata: string, ttl = 300) => ({ rrname, rrtype: 'AAAA', ttl, rdata });
const cname = (rrname: string, rdata: string, ttl = 300) => ({ rrname, rrtype: 'CNAME', ttl, rdata });

function look(c: DnsCache, device: number, addr: string, nowUs: number): string | null {
  const b = parseAddress(addr) as Uint8Array;
  const buf = new Uint8Array(64);
  buf.set(b, 26); // as inside a packet
  return c.lookup(device, buf, 26, b.length === 4 ? 4 : 6, nowUs);
}

test('an address learned from a response is named for that device', () => {
  const c = new DnsCache();
  c.learn(3, [a('api.vendor.com', '203.0.113.10')], 'api.vendor.com', T0);
  assert.equal(look(c, 3, '203.0.113.10', T0 + S), 'api.vendor.com');
  assert.equal(look(c, 3, '203.0.113.11', T0 + S), null);
  assert.equal(c.size, 1);
});

test('the query name is kept, not the CNAME target; the chain is followed', () => {
  const c = new DnsCache();
  c.learn(1, [cname('Updates.Vendor.com', 'd111.cloudfront.net'), cname('d111.cloudfront.net', 'edge.cloudfront.net'), a('edge.cloudfront.net', '198.51.100.1'), a('unrelated.example', '198.51.100.2')], 'updates.vendor.com.', T0);
  assert.equal(look(c, 1, '198.51.100.1', T0), 'updates.vendor.com');
  assert.equal(look(c, 1, '198.51.100.2', T0), null, 'an A record outside the chain is not learned');
});

test('devices are isolated; device -1 uses the shared gateway-wide cache', () => {
  const c = new DnsCache();
  c.learn(1, [a('one.example', '192.0.2.1')], 'one.example', T0);
  c.learn(2, [a('two.example', '192.0.2.1')], 'two.example', T0);
  c.learn(-1, [a('shared.example', '192.0.2.9')], 'shared.example', T0);
  assert.equal(look(c, 1, '192.0.2.1', T0), 'one.example');
  assert.equal(look(c, 2, '192.0.2.1', T0), 'two.example');
  assert.equal(look(c, 3, '192.0.2.1', T0), null);
  assert.equal(look(c, -1, '192.0.2.9', T0), 'shared.example');
  assert.equal(look(c, 1, '192.0.2.9', T0), null);
  c.forgetDevice(1);
  assert.equal(look(c, 1, '192.0.2.1', T0), null);
  assert.equal(look(c, 2, '192.0.2.1', T0), 'two.example');
  assert.equal(c.size, 2);
});

test('TTL expiry uses packet time, clamped to [60 s, 1 day]', () => {
  const c = new DnsCache();
  c.learn(1, [a('short.example', '192.0.2.1', 5), a('short.example', '192.0.2.2', 0)], 'short.example', T0);
  c.learn(1, [a('mid.example', '192.0.2.3', 300)], 'mid.example', T0);
  c.learn(1, [a('long.example', '192.0.2.4', 7 * 86_400)], 'long.example', T0);
  assert.equal(look(c, 1, '192.0.2.1', T0 + 59 * S), 'short.example', '5 s is raised to 60 s');
  assert.equal(look(c, 1, '192.0.2.2', T0 + 59 * S), 'short.example');
  assert.equal(look(c, 1, '192.0.2.1', T0 + 60 * S), null);
  assert.equal(look(c, 1, '192.0.2.2', T0 + 60 * S), null);
  assert.equal(look(c, 1, '192.0.2.3', T0 + 299 * S), 'mid.example');
  assert.equal(look(c, 1, '192.0.2.3', T0 + 300 * S), null);
  assert.equal(look(c, 1, '192.0.2.4', T0 + 86_399 * S), 'long.example', 'a week is cut to one day');
  assert.equal(look(c, 1, '192.0.2.4', T0 + 86_400 * S), null);
  assert.equal(c.size, 0, 'expired entries are dropped when looked up');
});

test('re-learning refreshes the expiry; the most recent name for an address wins', () => {
  const c = new DnsCache();
  c.learn(1, [a('first.example', '192.0.2.1', 60)], 'first.example', T0);
  c.learn(1, [a('second.example', '192.0.2.1', 60)], 'second.example', T0 + 50 * S);
  assert.equal(look(c, 1, '192.0.2.1', T0 + 100 * S), 'second.example');
  assert.equal(c.size, 1);
});

test('IPv6 answers are keyed by the full address', () => {
  const c = new DnsCache();
  c.learn(4, [aaaa('v6.example', '2001:db8::1'), aaaa('v6.example', '2001:db8::2')], 'v6.example', T0);
  c.learn(4, [a('v4.example', '32.1.13.184')], 'v4.example', T0); // the first 4 bytes of 2001:db8::
  assert.equal(look(c, 4, '2001:db8::1', T0), 'v6.example');
  assert.equal(look(c, 4, '2001:db8::2', T0), 'v6.example');
  assert.equal(look(c, 4, '2001:db8::3', T0), null);
  assert.equal(look(c, 4, '32.1.13.184', T0), 'v4.example');
  assert.equal(c.size, 3);
});

test('malformed answers are ignored', () => {
  const c = new DnsCache();
  c.learn(1, [a('x.example', ''), a('x.example', '999.1.1.1'), aaaa('x.example', '1.2.3.4'), { rrname: 'x.example', rrtype: 'MX', ttl: 60, rdata: 'mail.example' }], 'x.example', T0);
  c.learn(1, [a('<root>', '192.0.2.1')], '<root>', T0);
  c.learn(1, [], 'x.example', T0);
  assert.equal(c.size, 0);
});

test('per-device cap drops that device\'s oldest entry', () => {
  const c = new DnsCache({ maxPerDevice: 3 });
  for (let i = 1; i <= 5; i++) c.learn(7, [a(`h${i}.example`, `192.0.2.${i}`)], `h${i}.example`, T0 + i);
  c.learn(8, [a('other.example', '192.0.2.1')], 'other.example', T0);
  assert.equal(look(c, 7, '192.0.2.1', T0 + 10), null);
  assert.equal(look(c, 7, '192.0.2.2', T0 + 10), null);
  assert.equal(look(c, 7, '192.0.2.3', T0 + 10), 'h3.example');
  assert.equal(look(c, 7, '192.0.2.5', T0 + 10), 'h5.example');
  assert.equal(look(c, 8, '192.0.2.1', T0 + 10), 'other.example');
  assert.equal(c.size, 4);
});

test('total cap drops the entry learned longest ago, across devices', () => {
  const c = new DnsCache({ maxEntries: 4 });
  c.learn(1, [a('a.example', '192.0.2.1')], 'a.example', T0);
  c.learn(2, [a('b.example', '192.0.2.2')], 'b.example', T0 + 1);
  c.learn(3, [a('c.example', '192.0.2.3')], 'c.example', T0 + 2);
  c.learn(1, [a('a.example', '192.0.2.1')], 'a.example', T0 + 3); // refresh: now the newest
  c.learn(4, [a('d.example', '192.0.2.4')], 'd.example', T0 + 4);
  c.learn(5, [a('e.example', '192.0.2.5')], 'e.example', T0 + 5);
  assert.equal(c.size, 4);
  assert.equal(look(c, 2, '192.0.2.2', T0 + 6), null, 'oldest dropped');
  assert.equal(look(c, 1, '192.0.2.1', T0 + 6), 'a.example', 'refreshed entry kept');
  assert.equal(look(c, 5, '192.0.2.5', T0 + 6), 'e.example');
  for (let i = 0; i < 1000; i++) c.learn(i % 10, [a(`n${i}.example`, `198.51.${i >> 8}.${i & 255}`)], `n${i}.example`, T0 + 10 + i);
  assert.equal(c.size, 4);
});

test('learns from answers as parseDnsMessage makes them', () => {
  // response: query iot.example.com A; answers: CNAME -> edge.example.net, A 203.0.113.5 (ttl 120)
  const name = (n: string) => n.split('.').flatMap((l) => [l.length, ...Buffer.from(l)]).concat(0);
  const msg = [
    0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
    ...name('iot.example.com'), 0, 1, 0, 1,
    0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 120, 0, 18, ...name('edge.example.net'),
    0xc0, 33, 0, 1, 0, 1, 0, 0, 0, 120, 0, 4, 203, 0, 113, 5,
  ];
  const m = parseDnsMessage(Uint8Array.from(msg), 0);
  assert.ok(m, 'parsed');
  assert.equal(m.answers.length, 2);
  const c = new DnsCache();
  c.learn(0, m.answers, m.queries[0].rrname, T0);
  assert.equal(look(c, 0, '203.0.113.5', T0 + 119 * S), 'iot.example.com');
  assert.equal(look(c, 0, '203.0.113.5', T0 + 120 * S), null);
});
