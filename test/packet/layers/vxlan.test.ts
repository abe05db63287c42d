import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TunnelKind } from '../../../src/core/layers.js';
import { MAX_TUNNELS } from '../../../src/core/packet-view.js';
import { formatIPv4 } from '../../../src/core/ip.js';
import { Ev } from '../../../src/packet/events.js';
import { vxlanDecoder } from '../../../src/packet/layers/vxlan.js';
import { concat, decodeBytes, eth, events, fiveTuple, hex, ipv4, udp } from '../_support/bytes.js';
import { ethIpv4Tcp, vxlanFrame } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

test('VXLAN: inner 5-tuple inspected, tunnel stack keeps the outer packet', () => {
  const at = 32;
  const p = decodeBytes(vxlanFrame(), 1, at);
  assert.equal(fiveTuple(p), '6 10.1.0.5:40000 > 10.1.0.6:80');
  assert.equal(p.l3Off, at + 14 + 20 + 8 + 8 + 14);
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.tunnelKind[0], TunnelKind.VXLAN);
  assert.equal(p.tunnelId[0], 0x123456);
  assert.equal(p.tunnelOuterL3Off[0], at + 14);
  assert.equal(p.tunnelOuterIpVersion[0], 4);
  assert.equal(formatIPv4(p.buf, p.tunnelOuterL3Off[0] + 12), '192.0.2.1');
  assert.equal(formatIPv4(p.buf, p.tunnelOuterL3Off[0] + 16), '192.0.2.2');
  assert.equal(p.tunnelHdrOff[0], at + 14 + 20 + 8);
  assert.equal(p.tunnelHdrLen[0], 8);
  assert.equal(p.tunnelSrcPort[0], 51234);
  assert.equal(p.tunnelDstPort[0], 4789);
  assert.equal(p.eventCount, 0);
});

/** Wraps `inner` (an Ethernet frame) in Ethernet/IPv4/UDP/VXLAN with VNI `vni`. */
function wrap(inner: Uint8Array, vni: number): Uint8Array {
  const vx = concat(hex('08000000'), Uint8Array.of(vni >> 16, (vni >> 8) & 0xff, vni & 0xff, 0), inner);
  const u = udp(40000 + vni, 4789, vx.length);
  return concat(eth(0x0800), ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: 17, payloadLen: u.length + vx.length }), u, vx);
}

test('nested tunnels stack outermost first; deeper than MAX_TUNNELS records decoder.tunnel.too_deep', () => {
  let frame = ethIpv4Tcp();
  for (let vni = 1; vni <= 2; vni++) frame = wrap(frame, 3 - vni); // outer VNI 1, inner VNI 2
  const p = decodeBytes(frame);
  assert.equal(p.tunnelDepth, 2);
  assert.deepEqual(Array.from(p.tunnelId.subarray(0, 2)), [1, 2]);
  assert.ok(p.tunnelOuterL3Off[0] < p.tunnelOuterL3Off[1]);
  assert.equal(fiveTuple(p), '6 10.0.0.1:40000 > 10.0.0.2:80');

  let deep = ethIpv4Tcp();
  for (let i = MAX_TUNNELS + 1; i >= 1; i--) deep = wrap(deep, i);
  const q = decodeBytes(deep);
  assert.deepEqual(events(q), ['decoder.tunnel.too_deep']);
  assert.equal(q.tunnelDepth, MAX_TUNNELS);
  // the packet that could not be opened is inspected as the UDP packet carrying it
  assert.equal(q.dstPort, 4789);
  assert.equal(q.srcPort, 40000 + MAX_TUNNELS + 1);
});

test('VXLAN decoder checks flags and reserved bits', () => {
  for (const h of ['00000000 00000100', '0c000000 00000100', '08000100 00000100', '08000000 00000101']) {
    const p = decodeBytes(new Uint8Array(0));
    const b = concat(hex(h), ethIpv4Tcp());
    p.reset(b, 0, b.length, b.length, 0, 1);
    vxlanDecoder.decode(p, 0, b.length);
    assert.deepEqual(events(p), ['decoder.vxlan.bad_flags'], h);
    assert.equal(p.tunnelDepth, 0);
  }
});

test('vxlan: every truncation never throws; short headers record decoder.vxlan.truncated', () => {
  truncationSweep(vxlanDecoder, vxlanFrame().subarray(42), 8, Ev.VXLAN_TRUNCATED);
  // a capture cut inside the inner Ethernet header: tunnel entered, inner truncation reported
  const f = vxlanFrame();
  const p = decodeBytes(f.subarray(0, 42 + 8 + 10));
  assert.equal(p.tunnelDepth, 1);
  assert.ok(p.hasEvent(Ev.ETHERNET_TRUNCATED));
});
