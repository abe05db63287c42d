import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AppMeta, Dir, FlowView } from '../../../src/classify/dissector.js';
import { tlsDissector } from '../../../src/classify/protocols/tls.js';
import { parseClientHello } from '../../../src/classify/protocols/tls-hello.js';
import { ja4 } from '../../../src/classify/protocols/tls-ja4.js';
import { ja3 } from '../../../src/classify/protocols/tls-ja3.js';
import { certNames } from '../../../src/classify/protocols/tls-x509.js';
import { alpnExt, clientHello, derCert, ext, records, sniExt, u16, u16ListExt, u24, versionsExt } from './hello-builder.js';

// A Chrome ClientHello (15 ciphers, 16 extensions, h2) with GREASE the way Chrome sends it. Its JA4,
// t13d1516h2_8daaf6152771_02713d6af862, is the widely published Chrome fingerprint; part b is also the
// JA4 README's, and part c is re-derived here from the spec's raw (JA4_r) form.
const RAW_C = '0005,000a,000b,000d,0012,0017,001b,0023,002b,002d,0033,4469,fe0d,ff01_0403,0804,0401,0503,0805,0501,0806,0601';
const CHROME_JA4 = 't13d1516h2_8daaf6152771_' + createHash('sha256').update(RAW_C).digest('hex').slice(0, 12);
const CIPHERS = [0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035];
const SIGALGS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];
function chromeHello(): number[] {
  return clientHello({
    ciphers: CIPHERS,
    extensions: [
      ext(0x1a1a, []), sniExt('www.example.com'), ext(0x0017, []), ext(0xff01, [0]), u16ListExt(0x000a, [0x2a2a, 0x001d, 0x0017, 0x0018]),
      ext(0x000b, [1, 0]), ext(0x0023, []), alpnExt(['h2', 'http/1.1']), ext(0x0005, [1, 0, 0, 0, 0]),
      u16ListExt(0x000d, SIGALGS), ext(0x0012, []), ext(0x0033, [0, 0]), ext(0x002d, [1, 1]),
      versionsExt([0x3a3a, 0x0304, 0x0303]), ext(0x001b, [2, 0, 2]), ext(0x4469, []), ext(0xfe0d, []),
      ext(0x4a4a, [0]),
    ],
  });
}

function flow(c0: number, c1: number): FlowView {
  return { l4: 'tcp', srcPort: 40000, dstPort: 443, payloadPackets: [c0, c1] };
}

/** Feeds segments like the engine: probe until match, then extract on every later segment. */
function run(segments: { dir: Dir; bytes: number[] }[]): { result: string; meta: AppMeta } {
  const st = tlsDissector.init();
  const meta: AppMeta = {};
  const c: [number, number] = [0, 0];
  let result = 'more';
  for (const s of segments) {
    c[s.dir]++;
    const data = Uint8Array.from(s.bytes);
    if (result === 'more') result = tlsDissector.probe(data, s.dir, flow(c[0], c[1]), st);
    if (result === 'match') tlsDissector.extract?.(data, s.dir, flow(c[0], c[1]), st, meta);
  }
  return { result, meta };
}

test('JA4 of a Chrome hello is t13d1516h2_8daaf6152771_02713d6af862', () => {
  const hs = chromeHello();
  const ch = parseClientHello(Uint8Array.from(hs), 4, hs.length);
  assert.ok(ch);
  assert.equal(CHROME_JA4, 't13d1516h2_8daaf6152771_02713d6af862');
  assert.equal(ja4(ch, 't'), CHROME_JA4);
  assert.equal(ja4(ch, 'q').slice(0, 1), 'q');
});

test('JA3 string drops GREASE and keeps wire order; hash is its md5', () => {
  const hs = chromeHello();
  const ch = parseClientHello(Uint8Array.from(hs), 4, hs.length);
  assert.ok(ch);
  const j = ja3(ch);
  assert.equal(j.string, '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,' +
    '0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513-65037,29-23-24,0');
  assert.equal(j.hash, createHash('md5').update(j.string).digest('hex'));
});

test('JA4 ALPN, SNI and empty-list rules', () => {
  const mk = (extensions: number[][], ciphers = [0x1301]) => {
    const hs = clientHello({ ciphers, extensions });
    const ch = parseClientHello(Uint8Array.from(hs), 4, hs.length);
    assert.ok(ch);
    return ja4(ch, 't');
  };
  assert.match(mk([alpnExt(['http/1.1'])]), /^t12i0101h1_/);
  assert.match(mk([alpnExt(['h3-29'])]), /^t12i0101h9_/);
  assert.match(mk([alpnExt(['\xab\xcd'])]), /^t12i0101ad_/); // non-alphanumeric: hex nibbles
  assert.match(mk([sniExt('a.b')]), /^t12d010100_/);
  assert.equal(mk([], []), 't12i000000_000000000000_000000000000');
  // No signature algorithms: part c is the extension list alone, without a trailing '_'.
  const c = createHash('sha256').update('000a').digest('hex').slice(0, 12);
  assert.equal(mk([u16ListExt(0x000a, [0x001d])]).split('_')[2], c);
});

test('ClientHello split over three segments: SNI, ALPN, versions, JA3, JA4', () => {
  const bytes = records(22, chromeHello());
  const a = Math.floor(bytes.length / 3);
  const r = run([
    { dir: 0, bytes: bytes.slice(0, 3) }, { dir: 0, bytes: bytes.slice(3, a) }, { dir: 0, bytes: bytes.slice(a) },
  ]);
  assert.equal(r.result, 'match');
  assert.equal(r.meta.hostname, 'www.example.com');
  assert.equal(r.meta.tls?.sni, 'www.example.com');
  assert.deepEqual(r.meta.tls?.client_alpns, ['h2', 'http/1.1']);
  assert.deepEqual(r.meta.tls?.supported_versions, ['TLS 1.3', 'TLS 1.2']);
  assert.equal(r.meta.tls?.ja4, CHROME_JA4);
  assert.equal(r.meta.tls?.ja3?.hash.length, 32);
});

test('TLS 1.2 ServerHello + Certificate give version, ALPN, JA3S, subject and issuer', () => {
  const sh = [2, ...u24(0)];
  const shBody = [...u16(0x0303), ...new Array<number>(32).fill(7), 0, ...u16(0xc02f), 0,
    ...u16(4 + 5 + 4 + 1), ...ext(0xff01, [0]), ...ext(16, [0, 3, 2, 0x68, 0x32])];
  sh.splice(1, 3, ...u24(shBody.length), ...shBody);
  const cert = derCert([[6, 'US'], [10, 'Test CA'], [3, 'Test Root']], [[6, 'US'], [7, 'Paris'], [10, 'Acme'], [11, 'IoT'], [3, 'dev.example.com']]);
  const list = [...u24(cert.length), ...cert];
  const certMsg = [11, ...u24(list.length + 3), ...u24(list.length), ...list];
  const server = records(22, [...sh, ...certMsg, 14, 0, 0, 0]);
  const half = Math.floor(server.length / 2);
  const r = run([
    { dir: 0, bytes: records(22, chromeHello()) }, { dir: 1, bytes: server.slice(0, half) }, { dir: 1, bytes: server.slice(half) },
  ]);
  assert.equal(r.result, 'match');
  assert.equal(r.meta.tls?.version, 'TLS 1.2');
  assert.deepEqual(r.meta.tls?.server_alpns, ['h2']);
  assert.equal(r.meta.tls?.ja3s?.string, '771,49199,65281-16');
  assert.equal(r.meta.tls?.subject, 'C=US, L=Paris, O=Acme, OU=IoT, CN=dev.example.com');
  assert.equal(r.meta.tls?.issuerdn, 'C=US, O=Test CA, CN=Test Root');
  const c = Uint8Array.from(cert);
  assert.deepEqual(certNames(c, 0, c.length), { subject: r.meta.tls?.subject, issuer: r.meta.tls?.issuerdn });
});

test('TLS 1.3 ServerHello: version from supported_versions', () => {
  const shBody = [...u16(0x0303), ...new Array<number>(32).fill(7), 0, ...u16(0x1301), 0, ...u16(6), ...ext(43, [3, 4])];
  const r = run([{ dir: 0, bytes: records(22, chromeHello()) }, { dir: 1, bytes: records(22, [2, ...u24(shBody.length), ...shBody]) }]);
  assert.equal(r.meta.tls?.version, 'TLS 1.3');
  assert.equal(r.meta.tls?.ja3s?.string, '771,4865,43');
});

test('non-TLS payloads are excluded', () => {
  for (const s of ['GET / HTTP/1.1\r\n\r\n', 'SSH-2.0-OpenSSH_9.0\r\n', '\x17\x03\x03\x00\x10abcdefghijklmnop']) {
    const st = tlsDissector.init();
    assert.equal(tlsDissector.probe(Buffer.from(s, 'latin1'), 0, flow(1, 0), st), 'exclude', s);
  }
});

test('every truncation and random corruption: no throw, no wrong metadata', () => {
  const full = records(22, chromeHello());
  for (let n = 0; n < full.length; n++) {
    const st = tlsDissector.init();
    const meta: AppMeta = {};
    const data = Uint8Array.from(full.slice(0, n));
    const r = tlsDissector.probe(data, 0, flow(1, 0), st);
    assert.notEqual(r, 'exclude', `prefix ${n}`);
    tlsDissector.extract?.(data, 0, flow(1, 0), st, meta);
    assert.equal(meta.tls?.sni, undefined, `prefix ${n}`);
  }
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16);
  for (let i = 0; i < 3000; i++) {
    const data = Uint8Array.from(full);
    for (let k = 0; k < 1 + (i % 8); k++) data[rnd() % data.length] = rnd() & 0xff;
    const st = tlsDissector.init();
    tlsDissector.probe(data, 0, flow(1, 0), st);
    tlsDissector.extract?.(data, 0, flow(1, 0), st, {});
    const ch = parseClientHello(data, rnd() % data.length, data.length);
    assert.ok(ch === null || Array.isArray(ch.ciphers));
  }
  const cert = derCert([[3, 'CA']], [[3, 'leaf']]);
  for (let n = 0; n < cert.length; n++) {
    const names = certNames(Uint8Array.from(cert.slice(0, n)), 0, n);
    assert.ok(names === null || names.subject === '' || names.subject === 'CN=leaf', `cert prefix ${n}`);
  }
});

test('a TLS flow leaves DPI once both directions are encrypted, with the metadata the whole budget gives', async () => {
  const { ClassifyEngine } = await import('../../../src/classify/engine.js');
  const shBody = [...u16(0x0303), ...new Array<number>(32).fill(7), 0, ...u16(0x1301), 0, ...u16(6), ...ext(43, [3, 4])];
  const appData = records(23, new Array<number>(40).fill(0x55));
  const segments: { dir: Dir; bytes: number[] }[] = [
    { dir: 0, bytes: records(22, chromeHello()) },
    { dir: 1, bytes: records(22, [2, ...u24(shBody.length), ...shBody]) }, // TLS 1.3: the server side is encrypted after it
    { dir: 0, bytes: [...records(20, [1]), ...appData] }, // ChangeCipherSpec: the client side too
    { dir: 1, bytes: appData },
  ];
  const engine = new ClassifyEngine(4, [tlsDissector]);
  engine.start(0, 'tcp', 40000, 443);
  let seq0 = 1;
  let seq1 = 1;
  const statuses = segments.map((s) => {
    const seq = s.dir === 0 ? seq0 : seq1;
    if (s.dir === 0) seq0 += s.bytes.length;
    else seq1 += s.bytes.length;
    return engine.feed(0, Uint8Array.from(s.bytes), s.dir, seq);
  });
  // done on the third payload packet, not after the budget of 8
  assert.deepEqual(statuses.slice(0, 3), ['matched', 'matched', 'done']);
  const early = engine.finish(0);
  assert.equal(early.proto, 'TLS');
  // what a run over every segment without the early end learns is the same
  const all = run(segments);
  assert.deepEqual(JSON.parse(JSON.stringify(early.meta)), JSON.parse(JSON.stringify(all.meta)));
  assert.equal(early.meta.tls?.version, 'TLS 1.3');
  assert.equal(early.meta.tls?.sni, 'www.example.com');
});

test('complete: not while a direction can still bring a hello or a certificate', () => {
  const st = tlsDissector.init();
  const ch = Uint8Array.from(records(22, chromeHello()));
  assert.equal(tlsDissector.probe(ch, 0, flow(1, 0), st), 'match');
  tlsDissector.extract?.(ch, 0, flow(1, 0), st, {});
  assert.equal(tlsDissector.complete?.(st), false);
});
