import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eveAppProto, eveFlowReason, eveHasPorts, eveProto, eveQuicVersion } from '../../../../src/export/records/eve/eve-names.js';

test('eveFlowReason maps fleetgate end reasons to Suricata flow.reason', () => {
  assert.equal(eveFlowReason('idle'), 'timeout');
  assert.equal(eveFlowReason('active'), 'timeout');
  assert.equal(eveFlowReason('evicted'), 'forced');
  assert.equal(eveFlowReason('end'), 'shutdown');
  assert.equal(eveFlowReason('something-new'), 'shutdown');
});

test('eveAppProto lower-cases DPI names and leaves ICMP and unknown out', () => {
  assert.equal(eveAppProto('DNS'), 'dns');
  assert.equal(eveAppProto('TLS'), 'tls');
  assert.equal(eveAppProto('Modbus'), 'modbus');
  assert.equal(eveAppProto('BACnet'), 'bacnet');
  assert.equal(eveAppProto('ICMP'), undefined);
  assert.equal(eveAppProto('ICMPV6'), undefined);
  assert.equal(eveAppProto(null), undefined);
});

test('eveProto uses Suricata protocol names', () => {
  assert.equal(eveProto('TCP'), 'TCP');
  assert.equal(eveProto('ICMPV6'), 'IPv6-ICMP');
  assert.equal(eveProto('IP115'), '115');
  assert.equal(eveHasPorts('UDP'), true);
  assert.equal(eveHasPorts('ICMP'), false);
});

test('eveQuicVersion writes versions as Suricata does', () => {
  assert.equal(eveQuicVersion('V-1'), '1');
  assert.equal(eveQuicVersion('Draft-29'), 'ff00001d');
  assert.equal(eveQuicVersion('Q046'), 'Q046');
  assert.equal(eveQuicVersion('Q050'), '51303530');
  assert.equal(eveQuicVersion('T051'), '54303531');
  assert.equal(eveQuicVersion('MVFST-27'), 'faceb002');
});
