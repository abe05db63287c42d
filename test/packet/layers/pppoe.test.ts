import test from 'node:test';
import assert from 'node:assert/strict';
import { PacketView } from '../../../src/core/packet-view.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { Ev } from '../../../src/packet/events.js';

// Ethernet (type 0x8864) + PPPoE session + PPP IPv4 + IPv4/UDP 1.2.3.4:1000 → 5.6.7.8:53
function pppoeFrame(): Uint8Array {
  const ip = [0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8];
  const udp = [0x03, 0xe8, 0x00, 0x35, 0, 8, 0, 0];
  const pppoe = [0x11, 0x00, 0x12, 0x34, 0, 2 + ip.length + udp.length, 0x00, 0x21];
  const eth = [...new Array(12).fill(0), 0x88, 0x64];
  return Uint8Array.from([...eth, ...pppoe, ...ip, ...udp]);
}

test('PPPoE session carrying IPv4 decodes to the inner 5-tuple', () => {
  const f = pppoeFrame();
  const p = new PacketView();
  decodeFrame(p, f, 0, f.length, f.length, 0, 1);
  assert.equal(p.ipVersion, 4);
  assert.equal(p.ipProto, 17);
  assert.equal(p.srcPort, 1000);
  assert.equal(p.dstPort, 53);
  assert.equal(p.eventCount, 0);
});

test('PPPoE: every truncation and a discovery packet stop cleanly', () => {
  const f = pppoeFrame();
  const p = new PacketView();
  for (let n = 0; n < 14 + 8; n++) {
    decodeFrame(p, f, 0, n, n, 0, 1);
    assert.equal(p.ipVersion, 0);
  }
  decodeFrame(p, f, 0, 14 + 7, 14 + 7, 0, 1);
  assert.ok(p.hasEvent(Ev.PPPOE_TRUNCATED));
  const disc = f.slice();
  disc[15] = 0x09; // PADI code
  decodeFrame(p, disc, 0, disc.length, disc.length, 0, 1);
  assert.ok(p.hasEvent(Ev.PPPOE_UNSUPPORTED));
});
