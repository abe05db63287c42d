import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameBatch } from '../../src/core/frame-batch.js';
import { Layer, LAYER_COUNT } from '../../src/core/layers.js';
import { PacketView } from '../../src/core/packet-view.js';
import { buildDecoderTable } from '../../src/packet/dispatch-table.js';
import { decodeBatchFrame, decodeFrame, dstAddrV4, srcAddrV4 } from '../../src/packet/decode.js';
import { Ev } from '../../src/packet/events.js';
import { LAYER_DECODERS } from '../../src/packet/index.js';
import { linkTypeLayer } from '../../src/packet/link-type.js';
import { concat, decodeBytes, events, fiveTuple } from './_support/bytes.js';
import { ethIpv4Tcp, gtpuFrame, ipv6Udp, SAMPLE_FRAMES, vxlanFrame } from './_support/frames.js';
import { prng, snapshot } from './_support/sweep.js';

test('the registry has one decoder per layer; duplicates and gaps are rejected', () => {
  assert.equal(LAYER_DECODERS.length, LAYER_COUNT - 1);
  const table = buildDecoderTable(LAYER_DECODERS);
  for (let id = 1; id < LAYER_COUNT; id++) assert.equal(table[id].id, id);
  assert.throws(() => buildDecoderTable([...LAYER_DECODERS, LAYER_DECODERS[3]]), /duplicate layer decoder/);
  assert.throws(() => buildDecoderTable(LAYER_DECODERS.slice(1)), /no layer decoder for layer id\(s\) 1/);
  assert.throws(() => buildDecoderTable([{ id: 99 as never, decode: () => Layer.NONE }]), /out of range/);
});

test('link types map to their first layer; unknown link types record decoder.link.unsupported', () => {
  assert.equal(linkTypeLayer(1), Layer.ETHERNET);
  assert.equal(linkTypeLayer(113), Layer.SLL);
  assert.equal(linkTypeLayer(276), Layer.SLL2);
  assert.equal(linkTypeLayer(0), Layer.NULL);
  assert.equal(linkTypeLayer(108), Layer.NULL);
  assert.equal(linkTypeLayer(101), Layer.RAW_IP);
  assert.equal(linkTypeLayer(12), Layer.RAW_IP);
  assert.equal(linkTypeLayer(228), Layer.IPV4);
  assert.equal(linkTypeLayer(229), Layer.IPV6);
  const p = decodeBytes(ethIpv4Tcp(), 105);
  assert.deepEqual(events(p), ['decoder.link.unsupported']);
  assert.equal(p.ipVersion, 0);
});

test('decodeFrame fills frame metadata and the view is fully reset between frames', () => {
  const p = new PacketView();
  const vx = vxlanFrame();
  decodeFrame(p, vx, 0, vx.length, vx.length, 5, 1, 3);
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.ifIndex, 3);
  assert.equal(p.tsUs, 5);
  const bad = ethIpv4Tcp().subarray(0, 20);
  decodeFrame(p, bad, 0, bad.length, 100, 6, 1);
  assert.equal(p.tunnelDepth, 0);
  assert.equal(p.ipVersion, 0);
  assert.equal(p.srcPort, 0);
  assert.equal(p.ifIndex, 0);
  assert.equal(p.wireLen, 100);
  assert.deepEqual(events(p), ['decoder.ipv4.truncated']);
  decodeFrame(p, ethIpv4Tcp(), 0, 72, 72, 7, 1);
  assert.equal(p.eventCount, 0);
  assert.equal(fiveTuple(p), '6 10.0.0.1:40000 > 10.0.0.2:80');
});

test('a capture length past the buffer is clamped, never read out of bounds', () => {
  const f = ethIpv4Tcp();
  const p = new PacketView();
  decodeFrame(p, f, 0, f.length + 500, f.length + 500, 0, 1);
  assert.equal(p.frameEnd, f.length);
  assert.equal(p.payloadLen, 18);
  decodeFrame(p, f, f.length + 10, 20, 20, 0, 1);
  assert.equal(p.frameEnd - p.frameOff, 0);
  assert.deepEqual(events(p), ['decoder.ethernet.truncated']);
});

test('decodeBatchFrame decodes frames that share one buffer, at absolute offsets', () => {
  const frames = [ethIpv4Tcp(), gtpuFrame(), ipv6Udp()];
  const pad = new Uint8Array(3);
  const buf = concat(pad, frames[0], pad, frames[1], pad, frames[2]);
  const batch = new FrameBatch(4, buf);
  let o = 3;
  for (const [i, f] of frames.entries()) {
    batch.push(o, f.length, f.length, 1000 + i, i === 2 ? 229 : 1, 7);
    o += f.length + 3;
  }
  const p = new PacketView();
  const seen: string[] = [];
  for (let i = 0; i < batch.count; i++) {
    decodeBatchFrame(p, batch, i);
    assert.equal(p.buf, buf);
    assert.equal(p.tsUs, 1000 + i);
    assert.equal(p.ifIndex, 7);
    seen.push(`${fiveTuple(p)} d${p.tunnelDepth}`);
  }
  assert.deepEqual(seen, [
    '6 10.0.0.1:40000 > 10.0.0.2:80 d0',
    '6 100.64.0.7:50000 > 93.184.216.34:443 d1',
    '17 2001:db8::1:5353 > 2001:db8::2:53 d0',
  ]);
});

test('srcAddrV4/dstAddrV4 read u32 addresses; 0 when the packet is not IPv4', () => {
  const p = decodeBytes(ethIpv4Tcp());
  assert.equal(srcAddrV4(p), 0x0a000001);
  assert.equal(dstAddrV4(p), 0x0a000002);
  const q = decodeBytes(gtpuFrame());
  assert.equal(dstAddrV4(q), ((93 << 24) >>> 0) + (184 << 16) + (216 << 8) + 34);
  assert.equal(srcAddrV4(decodeBytes(ipv6Udp(), 229)), 0);
});

test('every sample frame decodes cleanly', () => {
  for (const f of SAMPLE_FRAMES) {
    const p = decodeBytes(f.bytes, f.linkType, 13);
    assert.deepEqual(events(p), [], f.name);
    assert.ok(p.ipVersion === 4 || p.ipVersion === 6, f.name);
  }
});

/** Decodes bytes[0, n) of `f` followed by `fill` garbage; the tail must never influence the result. */
function decodeCut(f: Uint8Array, n: number, linkType: number, fill: number): PacketView {
  const buf = new Uint8Array(n + 64).fill(fill);
  buf.set(f.subarray(0, n));
  const p = new PacketView();
  decodeFrame(p, buf, 0, n, n, 0, linkType);
  return p;
}

test('every truncation of every sample frame: no throw, bytes past the capture never read, problems named', () => {
  for (const f of SAMPLE_FRAMES) {
    const full = decodeBytes(f.bytes, f.linkType);
    for (let n = 0; n < f.bytes.length; n++) {
      const a = decodeCut(f.bytes, n, f.linkType, 0x00);
      const b = decodeCut(f.bytes, n, f.linkType, 0xff);
      assert.deepEqual(snapshot(a), snapshot(b), `${f.name} cut at ${n}: result depends on bytes past the capture`);
      // one cut is reported once or twice (the length that points past it, the header it cuts), not per layer
      assert.ok(a.eventCount <= 2, `${f.name} cut at ${n}: ${events(a)}`);
      // a cut before the L4 header must be reported, never silently decoded as something shorter
      if (full.l4Off >= 0 && a.l4Off < 0) assert.ok(a.eventCount > 0, `${f.name} cut at ${n}: header cut without an event`);
    }
  }
});

test('random bytes on every link type never throw (seeded, a few thousand frames)', () => {
  const rnd = prng(0x5eed);
  const p = new PacketView();
  const linkTypes = [0, 1, 12, 101, 108, 113, 228, 229, 276];
  let withEvents = 0;
  for (let i = 0; i < 4000; i++) {
    const len = Math.floor(rnd() * 120);
    const buf = new Uint8Array(len);
    for (let j = 0; j < len; j++) buf[j] = Math.floor(rnd() * 256);
    // bias the first bytes toward plausible headers so deeper layers get exercised
    if (len > 0 && rnd() < 0.5) buf[0] = rnd() < 0.5 ? 0x45 : 0x60;
    decodeFrame(p, buf, 0, len, len, i, linkTypes[i % linkTypes.length]);
    assert.ok(p.eventCount <= 8);
    if (p.eventCount > 0) withEvents++;
  }
  assert.ok(withEvents > 1000, 'random bytes mostly produce decoder events');
});

test('mutated sample frames never throw and never read past the capture (seeded)', () => {
  const rnd = prng(42);
  for (let i = 0; i < 3000; i++) {
    const f = SAMPLE_FRAMES[i % SAMPLE_FRAMES.length];
    const bytes = f.bytes.slice();
    const flips = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < flips; k++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
    const n = rnd() < 0.3 ? Math.floor(rnd() * bytes.length) : bytes.length;
    const a = decodeCut(bytes, n, f.linkType, 0x00);
    const b = decodeCut(bytes, n, f.linkType, 0xff);
    assert.deepEqual(snapshot(a), snapshot(b), `${f.name} mutation ${i}`);
    assert.ok(a.tunnelDepth <= 4);
    if (a.payloadLen > 0) assert.ok(a.payloadOff + a.payloadLen <= n, `${f.name} mutation ${i}: payload past the capture`);
  }
});

test('events on a view are bounded and counted', () => {
  const p = decodeBytes(ethIpv4Tcp().subarray(0, 10));
  assert.ok(p.hasEvent(Ev.ETHERNET_TRUNCATED));
  assert.equal(p.eventCount, 1);
});
