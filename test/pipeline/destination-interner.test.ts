import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DestinationInterner } from '../../src/pipeline/destination-interner.js';
import { IpProto } from '../../src/core/layers.js';

const v4 = (a: number, b: number, c: number, d: number): [Uint8Array, number] => {
  const bytes = new Uint8Array(16);
  bytes.set([a, b, c, d]);
  return [bytes, ((a << 24) | (b << 16) | (c << 8) | d) | 0];
};

test('one destination object per protocol, address and port; its fields and key', () => {
  const it = new DestinationInterner();
  const [b1, w1] = v4(203, 0, 113, 10);
  const a = it.get(4, b1, w1, 1883, IpProto.TCP);
  assert.deepEqual(a, { key: 'TCP|203.0.113.10|1883', address: '203.0.113.10', port: 1883, protocol: 'TCP' });
  assert.equal(it.get(4, b1, w1, 1883, IpProto.TCP), a, 'the same object for the same remote');
  assert.notEqual(it.get(4, b1, w1, 8883, IpProto.TCP), a, 'another port');
  assert.equal(it.get(4, b1, w1, 1883, IpProto.UDP).key, 'UDP|203.0.113.10|1883', 'another protocol');
  const [b2, w2] = v4(255, 1, 2, 3); // a word >= 2^31 (negative as int32)
  assert.equal(it.get(4, b2, w2, 443, IpProto.TCP).address, '255.1.2.3');
  const six = new Uint8Array(16);
  six.set([0x20, 0x01, 0x0d, 0xb8]);
  six[15] = 1;
  const x = it.get(6, six, 0, 443, IpProto.TCP);
  assert.equal(x.key, 'TCP|2001:db8::1|443');
  assert.equal(it.get(6, six, 0, 443, IpProto.TCP), x);
});

test('the interner starts over past its bound; objects handed out stay intact', () => {
  const it = new DestinationInterner();
  const [b, w] = v4(198, 51, 100, 1);
  const first = it.get(4, b, w, 53, IpProto.UDP);
  // 65,536 more remotes than the first one: past the bound of 65,536 entries
  for (let port = 0; port < 65536; port++) it.get(4, b, w, port, IpProto.TCP);
  const again = it.get(4, b, w, 53, IpProto.UDP);
  assert.notEqual(again, first, 'the maps were cleared once full');
  assert.deepEqual(again, first, 'an equal description');
  assert.equal(first.key, 'UDP|198.51.100.1|53');
});
