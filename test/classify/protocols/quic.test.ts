import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import type { AppMeta, FlowView } from '../../../src/classify/dissector.js';
import { quicDissector } from '../../../src/classify/protocols/quic.js';
import { clientInitialKeys } from '../../../src/classify/protocols/quic-initial.js';
import type { QuicKeys } from '../../../src/classify/protocols/quic-initial.js';
import { alpnExt, clientHello, sniExt, u16ListExt, versionsExt } from './hello-builder.js';

const DCID = Buffer.from('8394c8f03e515708', 'hex');
const flow = (c0: number, c1: number): FlowView => ({ l4: 'udp', srcPort: 50000, dstPort: 443, payloadPackets: [c0, c1] });

test('RFC 9001 Appendix A.1: client Initial keys for DCID 0x8394c8f03e515708', () => {
  const k = clientInitialKeys(1, DCID);
  assert.ok(k);
  assert.equal(k.key.toString('hex'), '1f369613dd76d5467730efcbe3b1a22d');
  assert.equal(k.iv.toString('hex'), 'fa044b2f42a3fd3b46fb255c');
  assert.equal(k.hp.toString('hex'), '9f50449e04a0e810283a1e9933adedd2');
});

test('RFC 9369 Appendix A.1: QUIC v2 client Initial keys', () => {
  const k = clientInitialKeys(0x6b3343cf, DCID);
  assert.ok(k);
  assert.equal(k.key.toString('hex'), '8b1a0bc121284290a29e0971b5cd045d');
  assert.equal(k.iv.toString('hex'), '91f73e2351d8fa91660e909f');
  assert.equal(k.hp.toString('hex'), '45b95e15235d6f45a6b19cbcb0294ba9');
});

function varint2(n: number): number[] {
  return [0x40 | (n >> 8), n & 0xff];
}

/** Builds a protected client Initial (what a client sends) carrying `frames`, padded to 1200 bytes. */
function initial(version: number, keys: QuicKeys, pn: number, frames: number[]): Buffer {
  const typeBits = version === 0x6b3343cf ? 0x10 : 0x00;
  const pad = Math.max(0, 1200 - 50 - frames.length);
  const plain = Buffer.from([...frames, ...new Array<number>(pad).fill(0)]);
  const length = 2 + plain.length + 16; // pn (2 bytes) + payload + tag
  const hdr = Buffer.from([0xc0 | typeBits | 0x01, ...[24, 16, 8, 0].map((s) => (version >>> s) & 0xff),
    DCID.length, ...DCID, 0, 0, ...varint2(length), (pn >> 8) & 0xff, pn & 0xff]);
  const nonce = Buffer.from(keys.iv);
  nonce[11] ^= pn & 0xff;
  nonce[10] ^= (pn >> 8) & 0xff;
  const gcm = createCipheriv('aes-128-gcm', keys.key, nonce);
  gcm.setAAD(hdr);
  const ct = Buffer.concat([gcm.update(plain), gcm.final(), gcm.getAuthTag()]);
  const pkt = Buffer.concat([hdr, ct]);
  const pnOff = hdr.length - 2;
  const ecb = createCipheriv('aes-128-ecb', keys.hp, null);
  ecb.setAutoPadding(false);
  const mask = ecb.update(pkt.subarray(pnOff + 4, pnOff + 20));
  pkt[0] ^= mask[0] & 0x0f;
  pkt[pnOff] ^= mask[1];
  pkt[pnOff + 1] ^= mask[2];
  return pkt;
}

function crypto(offset: number, data: number[]): number[] {
  return [0x06, ...varint2(offset), ...varint2(data.length), ...data];
}

const HELLO = clientHello({
  ciphers: [0x1301, 0x1302, 0x1303],
  extensions: [sniExt('telemetry.example.org'), alpnExt(['h3']), versionsExt([0x0304]), u16ListExt(0x000d, [0x0403]), u16ListExt(0x000a, [0x001d])],
});

for (const [version, name] of [[1, 'V-1'], [0x6b3343cf, 'V-2'], [0xff00001d, 'Draft-29']] as const) {
  test(`${name}: ClientHello split across two Initial datagrams, CRYPTO frames out of order`, () => {
    const keys = clientInitialKeys(version, DCID);
    assert.ok(keys);
    const cut = 40;
    // Second half first (as a reordering network may deliver), with a PING before it.
    const d1 = initial(version, keys, 1, [0x01, ...crypto(cut, HELLO.slice(cut))]);
    const d2 = initial(version, keys, 0, crypto(0, HELLO.slice(0, cut)));
    const st = quicDissector.init();
    const meta: AppMeta = {};
    assert.equal(quicDissector.probe(d1, 0, flow(1, 0), st), 'more');
    assert.equal(quicDissector.probe(d2, 0, flow(2, 0), st), 'match');
    quicDissector.extract?.(d2, 0, flow(2, 0), st, meta);
    assert.deepEqual(meta.quic, { version: name, sni: 'telemetry.example.org', client_alpns: ['h3'] });
    assert.equal(meta.hostname, 'telemetry.example.org');
    assert.match(String(meta.extra?.quic_ja4), /^q13d0305h3_55b375c5d22e_/); // 55b375c5d22e: nDPI's value for 1301-1303
  });
}

test('a corrupted tag does not decrypt; short headers and junk are excluded', () => {
  const keys = clientInitialKeys(1, DCID);
  assert.ok(keys);
  const good = initial(1, keys, 0, crypto(0, HELLO));
  const bad = Buffer.from(good);
  bad[bad.length - 1] ^= 1;
  const st = quicDissector.init();
  assert.equal(quicDissector.probe(bad, 0, flow(1, 0), st), 'more');
  assert.equal(st.decrypted, 0);
  assert.equal(quicDissector.probe(Buffer.from([0x40, 1, 2, 3, 4, 5, 6, 7, 8]), 0, flow(1, 0), quicDissector.init()), 'exclude');
  assert.equal(quicDissector.probe(Buffer.from('GET / HTTP/1.1\r\n'), 0, flow(1, 0), quicDissector.init()), 'exclude');
});

test('every truncation and random corruption of an Initial: no throw, never a wrong SNI', () => {
  const keys = clientInitialKeys(1, DCID);
  assert.ok(keys);
  const good = initial(1, keys, 0, crypto(0, HELLO));
  for (let n = 0; n < good.length; n += 7) {
    const st = quicDissector.init();
    const meta: AppMeta = {};
    const d = good.subarray(0, n);
    quicDissector.probe(d, 0, flow(1, 0), st);
    quicDissector.extract?.(d, 0, flow(1, 0), st, meta);
    assert.equal(meta.quic?.sni, undefined, `prefix ${n}`);
  }
  let seed = 3;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16);
  for (let i = 0; i < 1500; i++) {
    const d = Buffer.from(good);
    for (let k = 0; k < 1 + (i % 4); k++) d[rnd() % 60] = rnd() & 0xff; // header area
    const st = quicDissector.init();
    const meta: AppMeta = {};
    quicDissector.probe(d, 0, flow(1, 0), st);
    quicDissector.extract?.(d, 0, flow(1, 0), st, meta);
    assert.ok(meta.quic?.sni === undefined || meta.quic.sni === 'telemetry.example.org');
  }
});
