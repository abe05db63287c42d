// devices[].downlinkTeid: the GTP-U TEID of downlink G-PDUs (VPG mode). Checked like teid (1..2^32-1,
// unique per gateway, problems named by path), normalized into DeviceConfig and the device directory,
// which also picks the device by it (a flow the network starts arrives with the downlink TEID).
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/control/config/index.js';
import { DeviceDirectory } from '../../../src/control/devices/index.js';
import { hasProblem, problemsOf } from './_support/problems.js';

const HEAD = 'operator: { id: op }\ngateway: { id: gw, deviceSubnets: [10.128.0.0/16] }\ndevices:\n';



test('downlinkTeid loads into the device and the directory', () => {
  const c = parseConfig(`${HEAD}  - { ip: 10.128.0.1, teid: 4097, downlinkTeid: 8193 }\n  - { ip: 10.128.0.2, downlinkTeid: 4097 }\n`);
  assert.deepEqual(c.devices[0], { ip: '10.128.0.1', teid: 4097, downlinkTeid: 8193, tags: [] });
  assert.equal(c.devices[1].downlinkTeid, 4097, 'the same number as another device uplink TEID is fine: each end allocates its own');
  const dir = DeviceDirectory.fromConfig(c);
  assert.equal(dir.device(0).downlinkTeid, 8193);
  assert.deepEqual(dir.downlinkTeids(), [[0, 8193], [1, 4097]]);
  // a downlink G-PDU starting a flow (server → device at an address outside the subnet: only the TEID can tell)
  const buf = new Uint8Array([192, 0, 2, 9, 10, 200, 0, 1]);
  const out: { side: 0 | 1 } = { side: 0 };
  assert.equal(dir.attribute(buf, 0, 4, 4, 8193, out), 0, 'the downlink TEID picks device 0');
  assert.equal(dir.attribute(buf, 0, 4, 4, 4097, out), 0, 'an uplink TEID wins over a downlink one');
});

test('a bad or duplicate downlinkTeid is refused with its path', () => {
  const e = problemsOf(`${HEAD}  - { ip: 10.128.0.1, downlinkTeid: 0 }\n  - { ip: 10.128.0.2, downlinkTeid: 4294967296 }\n  - { ip: 10.128.0.3, downlinkTeid: abc }\n`);
  hasProblem(e, 'devices[0].downlinkTeid', 'must be between 1 and 4294967295 (got 0)');
  hasProblem(e, 'devices[1].downlinkTeid', '(got 4294967296)');
  hasProblem(e, 'devices[2].downlinkTeid', 'must be a whole number');
  const d = problemsOf(`${HEAD}  - { ip: 10.128.0.1, teid: 1, downlinkTeid: 77 }\n  - { ip: 10.128.0.2, teid: 2, downlinkTeid: 77 }\n`);
  hasProblem(d, 'devices[1].downlinkTeid', 'duplicates the downlinkTeid of devices[0]');
  assert.match(d.message, /fleet\.yaml:\d+:\d+: devices\[1\]\.downlinkTeid: duplicates the downlinkTeid of devices\[0\]/);
});
