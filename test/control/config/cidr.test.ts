import test from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, parseAddress, parseCidr } from '../../../src/control/config/cidr.js';

function cidr(s: string) {
  const r = parseCidr(s);
  assert.ok(r.ok, `${s}: ${r.ok ? '' : r.problem}`);
  return r.cidr;
}
function inside(c: string, ip: string): boolean {
  const b = parseAddress(ip);
  assert.ok(b, ip);
  return cidrContains(cidr(c), b, 0);
}

test('parses IPv4 and IPv6 CIDRs into canonical text', () => {
  assert.equal(cidr('10.128.0.0/16').text, '10.128.0.0/16');
  assert.equal(cidr('FD00:0128::/64').text, 'fd00:128::/64');
  assert.equal(cidr('0.0.0.0/0').prefix, 0);
  assert.equal(cidr('::/0').version, 6);
});

test('rejects bad CIDRs with a reason', () => {
  const bad = (s: string, re: RegExp) => {
    const r = parseCidr(s);
    assert.ok(!r.ok, s);
    assert.match(r.problem, re);
  };
  bad('10.0.0.0', /not a CIDR/);
  bad('10.0.0.256/8', /not an IPv4 or IPv6 address/);
  bad('10.0.0.0/33', /from 0 to 32/);
  bad('fd00::/129', /from 0 to 128/);
  bad('10.0.0.0/-1', /from 0 to 32/);
  bad('10.0.0.1/24', /did you mean 10\.0\.0\.0\/24/);
  bad('fd00::1/64', /did you mean fd00::\/64/);
});

test('IPv4 matching at /0, /32 and non-byte-aligned prefixes', () => {
  assert.ok(inside('0.0.0.0/0', '203.0.113.9'));
  assert.ok(inside('10.1.2.3/32', '10.1.2.3'));
  assert.ok(!inside('10.1.2.3/32', '10.1.2.4'));
  assert.ok(inside('172.16.0.0/12', '172.31.255.255'));
  assert.ok(!inside('172.16.0.0/12', '172.32.0.0'));
  assert.ok(!inside('172.16.0.0/12', '172.15.255.255'));
  assert.ok(inside('100.64.0.0/10', '100.127.0.1'));
  assert.ok(!inside('100.64.0.0/10', '100.128.0.1'));
  assert.ok(inside('10.128.0.0/17', '10.128.127.255'));
  assert.ok(!inside('10.128.0.0/17', '10.128.128.0'));
});

test('IPv6 matching at /0, /128 and non-byte-aligned prefixes', () => {
  assert.ok(inside('::/0', '2001:db8::1'));
  assert.ok(inside('fd00:128::7/128', 'fd00:128::7'));
  assert.ok(!inside('fd00:128::7/128', 'fd00:128::6'));
  assert.ok(inside('fc00::/7', 'fdff::1'));
  assert.ok(!inside('fc00::/7', 'fe00::1'));
  assert.ok(inside('2001:db8:abc0::/44', '2001:db8:abcf:ffff::1'));
  assert.ok(!inside('2001:db8:abc0::/44', '2001:db8:abd0::1'));
  assert.ok(inside('fd00:128::/64', 'fd00:128::ffff:ffff'));
  assert.ok(!inside('fd00:128::/64', 'fd00:128:0:1::1'));
});
