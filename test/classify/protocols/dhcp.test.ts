import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dhcpDissector, isDhcpMessage } from '../../../src/classify/protocols/dhcp.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector } from './dissector-harness.js';

/** DHCPDISCOVER: BOOTP request, Ethernet, xid, chaddr, cookie, options 53/12/60/55, end. */
function discover(options: number[]): Uint8Array {
  const h = new Array<number>(236).fill(0);
  h[0] = 1; h[1] = 1; h[2] = 6; // op, htype, hlen
  h[4] = 0x12; h[5] = 0x34; h[6] = 0x56; h[7] = 0x78; // xid
  h.splice(28, 6, 0x02, 0x42, 0xac, 0x11, 0x00, 0x02); // chaddr
  return bytes(h, [0x63, 0x82, 0x53, 0x63], options);
}
const opts = [53, 1, 1, 12, 7, ...Buffer.from('meter-7'), 60, 8, ...Buffer.from('MSFT 5.0'), 55, 3, 1, 3, 6, 0, 0, 255];

test('DHCP DISCOVER matches with message type, host name and vendor class', () => {
  const r = runDissector(dhcpDissector, 'udp', 68, 67, [{ dir: 0, data: discover(opts) }]);
  assert.equal(r.outcome, 'match');
  assert.deepEqual(r.meta.dhcp, { hostname: 'meter-7', vendor_class: 'MSFT 5.0' });
  assert.equal(r.meta.hostname, 'meter-7');
  assert.equal(r.meta.extra?.dhcp_type, 'discover');
});

test('DHCP options that run past the end are dropped, earlier ones kept', () => {
  const r = runDissector(dhcpDissector, 'udp', 68, 67, [{ dir: 0, data: discover([12, 3, ...Buffer.from('abc'), 60, 49, 0x41]) }]);
  assert.equal(r.meta.dhcp?.hostname, 'abc');
  assert.equal(r.meta.dhcp?.vendor_class, undefined);
});

test('DHCP needs the BOOTP op, a sane hlen and the magic cookie', () => {
  const m = discover(opts);
  assert.ok(isDhcpMessage(m));
  for (const [i, v] of [[0, 3], [2, 17], [236, 0x64]] as const) {
    const b = Uint8Array.from(m);
    b[i] = v;
    assert.equal(isDhcpMessage(b), false, `byte ${i}`);
  }
});

test('DHCP truncated at every length never throws and needs the cookie', () => {
  const res = probeAllPrefixes(dhcpDissector, 'udp', 68, 67, discover(opts));
  assert.equal(res.indexOf('match'), 240);
});

test('DHCP never matches random bytes', () => {
  assert.equal(fuzzMatches(dhcpDissector, 'udp', 68, 67, 11, 3000, 400), 0);
});
