// readPlainIpv4 (the replay's fast path) must accept only frames the full decoder reads without an event,
// and must then read what the decoder reads. Checked on built frames, on each kind of frame it must
// refuse, and on every frame (plus mutations) of a simulated fleet and of the nDPI captures.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PlainIpv4, readPlainIpv4 } from '../../src/packet/plain-ipv4.js';
import { decodeFrame } from '../../src/packet/decode.js';
import { PacketView } from '../../src/core/packet-view.js';
import { IpProto, LinkType } from '../../src/core/layers.js';
import { buildFrame, type FrameSpec } from '../../src/packet/build/index.js';
import { readCaptureSync } from '../../src/io/capture-reader.js';
import { simulate } from '../../src/sim/index.js';
import { corpusDir } from '../_support/tools.js';

const view = new PacketView();

function word(b: Uint8Array, o: number): number {
  return (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
}

/** Decodes the frame in full and checks it agrees with what readPlainIpv4 read into t. */
function assertAgrees(frame: Uint8Array, t: PlainIpv4, what: string): void {
  decodeFrame(view, frame, 0, frame.length, frame.length, 0, LinkType.ETHERNET);
  assert.equal(view.eventCount, 0, `${what}: the decoder records no event`);
  assert.equal(view.ipVersion, 4, what);
  assert.equal(view.vlanCount, 0, what);
  assert.equal(view.tunnelDepth, 0, what);
  assert.equal(view.isFragment, false, what);
  assert.equal(t.proto, view.ipProto, `${what}: protocol`);
  assert.equal(t.src, word(frame, view.srcAddrOff), `${what}: source`);
  assert.equal(t.dst, word(frame, view.dstAddrOff), `${what}: destination`);
  assert.equal(t.srcPort, view.srcPort, `${what}: source port`);
  assert.equal(t.dstPort, view.dstPort, `${what}: destination port`);
  assert.equal(t.ipLen, view.ipLen, `${what}: IP length`);
  assert.equal(t.tcpFlags, view.ipProto === IpProto.TCP ? view.tcpFlags : 0, `${what}: TCP flags`);
}

const TCP: FrameSpec = { ip: { src: '10.1.2.3', dst: '203.0.113.9' }, tcp: { sport: 40001, dport: 443, flags: 'PA' }, payload: 'hello' };
const UDP: FrameSpec = { ip: { src: '10.1.2.3', dst: '198.51.100.53' }, udp: { sport: 5353, dport: 53 }, payload: 'query' };

test('plain TCP and UDP frames are read as the decoder reads them', () => {
  const padded = new Uint8Array(80);
  padded.set(buildFrame({ ip: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { sport: 1, dport: 2, flags: 'S' } }));
  const cases: [string, Uint8Array][] = [
    ['TCP with payload', buildFrame(TCP)],
    ['TCP SYN with options', buildFrame({ ip: TCP.ip, tcp: { sport: 5, dport: 80, flags: 'S', options: new Uint8Array([2, 4, 5, 180]) } })],
    ['UDP', buildFrame(UDP)],
    ['UDP without checksum', buildFrame({ ...UDP, udp: { sport: 123, dport: 123, checksum: false } })],
    ['addresses with the top bit set', buildFrame({ ...TCP, ip: { src: '200.1.1.1', dst: '192.168.0.1' } })],
    ['Ethernet padding after the IP packet', padded],
  ];
  for (const [what, frame] of cases) {
    const t = new PlainIpv4();
    assert.equal(readPlainIpv4(frame, 0, frame.length, t), true, what);
    assertAgrees(frame, t, what);
  }
});

test('every frame the full decoder must see is refused', () => {
  const tcp = buildFrame(TCP);
  const udp = buildFrame(UDP);
  const edit = (f: Uint8Array, fn: (b: Uint8Array) => void): Uint8Array => {
    const b = f.slice();
    fn(b);
    return b;
  };
  const cases: [string, Uint8Array, number?][] = [
    ['VLAN tag', buildFrame({ ...TCP, vlan: 7 })],
    ['IPv6', buildFrame({ ip: { src: '2001:db8::1', dst: '2001:db8::2' }, tcp: { sport: 1, dport: 2 } })],
    ['ICMP', buildFrame({ ip: TCP.ip, icmp: { type: 8 } })],
    ['GRE tunnel', buildFrame({ ip: TCP.ip, gre: {}, inner: TCP })],
    ['VXLAN tunnel', buildFrame({ ip: UDP.ip, vxlan: { vni: 5 }, inner: TCP })],
    ['UDP to the GENEVE port', buildFrame({ ...UDP, udp: { sport: 1000, dport: 6081 } })],
    ['UDP from the GTP-U port', buildFrame({ ...UDP, udp: { sport: 2152, dport: 1000 } })],
    ['IP options (header of 24 bytes)', edit(tcp, (b) => (b[14] = 0x46))],
    ['more fragments', edit(tcp, (b) => (b[20] |= 0x20))],
    ['non-first fragment', edit(tcp, (b) => (b[21] = 1))],
    ['IP total length 0', edit(tcp, (b) => ((b[16] = 0), (b[17] = 0)))],
    ['IP packet longer than the frame', tcp.subarray(0, tcp.length - 1)],
    ['TCP header shorter than 20 bytes', edit(tcp, (b) => (b[46] = 0x40))],
    ['TCP header longer than the packet', edit(tcp, (b) => (b[46] = 0xf0))],
    ['UDP length under 8', edit(udp, (b) => ((b[38] = 0), (b[39] = 7)))],
    ['UDP length past the IP packet', edit(udp, (b) => ((b[38] = 0x7f), (b[39] = 0)))],
    ['too short for Ethernet, IPv4 and UDP', udp.subarray(0, 41)],
    ['frame said to reach past its buffer', tcp, tcp.length + 1],
  ];
  for (const [what, frame, capLen] of cases) {
    assert.equal(readPlainIpv4(frame, 0, capLen ?? frame.length, new PlainIpv4()), false, what);
  }
});

/** xorshift32: deterministic. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

test('on a simulated fleet and the nDPI captures, and mutations of them, an accepted frame decodes the same', (t) => {
  const frames: Uint8Array[] = [];
  simulate({ devices: 8, durationSec: 60, seed: 11, scenarios: ['scanner', 'synflood'] }, (buf, off, len) => {
    frames.push(buf.slice(off, off + len));
  });
  const dir = corpusDir(t, 'ndpi/pcap');
  if (dir) {
    for (const f of readdirSync(dir).sort()) {
      for (const fr of readCaptureSync(join(dir, f)).frames) if (fr.linkType === LinkType.ETHERNET) frames.push(fr.data);
    }
  }
  const plain = new PlainIpv4();
  let accepted = 0;
  for (const [i, f] of frames.entries()) {
    if (!readPlainIpv4(f, 0, f.length, plain)) continue;
    accepted++;
    assertAgrees(f, plain, `frame ${i}`);
  }
  assert.ok(accepted > frames.length / 4, `most frames are plain (${accepted} of ${frames.length})`);

  // flip header bytes: whatever is still accepted must still agree with the decoder
  const next = rng(0x5eed);
  let mutatedAccepted = 0;
  for (let n = 0; n < 100_000; n++) {
    const f = frames[next() % frames.length].slice();
    // the headers are in the first 64 bytes
    for (let k = 1 + (next() % 3); k > 0; k--) f[next() % Math.min(f.length, 64)] = next() & 0xff;
    const len = next() % 4 === 0 ? next() % (f.length + 1) : f.length;
    const cut = f.subarray(0, len);
    if (!readPlainIpv4(cut, 0, cut.length, plain)) continue;
    mutatedAccepted++;
    assertAgrees(cut, plain, `mutation ${n}`);
  }
  assert.ok(mutatedAccepted > 0, 'some mutations stay plain');
});
