import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ev } from '../../../src/packet/events.js';
import { nullDecoder } from '../../../src/packet/layers/null.js';
import { concat, decodeBytes, events, fiveTuple, hex } from '../_support/bytes.js';
import { ipv4Tcp, ipv6Udp, nullBigEndianIpv6, nullLittleEndianIpv4 } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

test('NULL (0) with AF_INET in little-endian host order', () => {
  const p = decodeBytes(nullLittleEndianIpv4(), 0);
  assert.equal(p.l3Off, 4);
  assert.equal(fiveTuple(p), '6 10.0.0.1:40000 > 10.0.0.2:80');
});

test('LOOP (108) with AF_INET6 (Darwin 30) in network order', () => {
  const p = decodeBytes(nullBigEndianIpv6(), 108);
  assert.equal(p.ipVersion, 6);
  assert.equal(fiveTuple(p), '17 2001:db8::1:5353 > 2001:db8::2:53');
});

test('both byte orders on both link types, every AF_INET6 flavour', () => {
  for (const lt of [0, 108]) {
    assert.equal(decodeBytes(concat(hex('00000002'), ipv4Tcp()), lt).ipVersion, 4);
    assert.equal(decodeBytes(concat(hex('02000000'), ipv4Tcp()), lt).ipVersion, 4);
    for (const fam of ['18', '1c', '1e']) {
      assert.equal(decodeBytes(concat(hex(`000000${fam}`), ipv6Udp()), lt).ipVersion, 6, `BE ${fam}`);
      assert.equal(decodeBytes(concat(hex(`${fam}000000`), ipv6Udp()), lt).ipVersion, 6, `LE ${fam}`);
    }
  }
});

test('an unknown family records decoder.null.unknown_family', () => {
  for (const fam of ['00000007', '02000100', '00000000']) {
    const p = decodeBytes(concat(hex(fam), ipv4Tcp()), 0);
    assert.deepEqual(events(p), ['decoder.null.unknown_family'], fam);
    assert.equal(p.ipVersion, 0);
  }
});

test('null: every truncation never throws; short headers record decoder.null.truncated', () => {
  truncationSweep(nullDecoder, nullLittleEndianIpv4(), 4, Ev.NULL_TRUNCATED);
});
