import { test } from 'node:test';
import assert from 'node:assert/strict';
import { icmpTypeName } from '../../../src/classify/protocols/icmp.js';

test('ICMP type names', () => {
  assert.equal(icmpTypeName(4, 8), 'echo-request');
  assert.equal(icmpTypeName(4, 0), 'echo-reply');
  assert.equal(icmpTypeName(4, 3), 'dest-unreachable');
  assert.equal(icmpTypeName(4, 11), 'time-exceeded');
  assert.equal(icmpTypeName(4, 9), 'router-advertisement');
  assert.equal(icmpTypeName(4, 200), 'type-200');
});

test('ICMPv6 type names', () => {
  assert.equal(icmpTypeName(6, 128), 'echo-request');
  assert.equal(icmpTypeName(6, 129), 'echo-reply');
  assert.equal(icmpTypeName(6, 1), 'dest-unreachable');
  assert.equal(icmpTypeName(6, 3), 'time-exceeded');
  assert.equal(icmpTypeName(6, 134), 'router-advertisement');
  assert.equal(icmpTypeName(6, 135), 'neighbor-solicitation');
  assert.equal(icmpTypeName(6, 136), 'neighbor-advertisement');
  assert.equal(icmpTypeName(6, 143), 'mldv2-report');
  assert.equal(icmpTypeName(6, 8), 'type-8'); // the ICMPv4 echo number means nothing in v6
});
