// DeviceEndpoints with GTP-U downlink TEIDs: the kept header carries the device's declared
// downlinkTeid instead of the uplink TEID it sent with; learning the same uplink header again changes
// nothing; a reload without the downlink TEID brings back the uplink one.
import test from 'node:test';
import assert from 'node:assert/strict';
import { DeviceEndpoints } from '../../src/pipeline/live-endpoints.js';
import { DeviceDirectory } from '../../src/control/devices/index.js';

const KEY = (10 << 24) | (128 << 16) | 2; // 10.128.0.2
const PEER = ((198 << 24) | (18 << 16) | (1 << 8) | 2) >>> 0;

/** A G-PDU header (8 bytes) with this TEID, at offset 5 of a buffer (offsets are absolute). */
function gpdu(teid: number): Uint8Array {
  const b = new Uint8Array(20);
  b.set([0x30, 255, 0, 40, teid >>> 24, (teid >>> 16) & 0xff, (teid >>> 8) & 0xff, teid & 0xff], 5);
  return b;
}

const keptTeid = (ep: DeviceEndpoints, slot: number) => {
  const h = slot * 264 + 4;
  return ((ep.hdr[h] << 24) | (ep.hdr[h + 1] << 16) | (ep.hdr[h + 2] << 8) | ep.hdr[h + 3]) >>> 0;
};

test('a declared downlink TEID replaces the uplink one in the kept header', () => {
  const ep = new DeviceEndpoints(1);
  // declared at another address than the UE uses: found by its uplink TEID, as the directory attributes
  ep.setDownlinkTeids(new DeviceDirectory({ devices: [{ ip: '10.128.0.50', teid: 4097, downlinkTeid: 0xfedc_ba98, tags: [] }] }));
  assert.ok(ep.learn(KEY, PEER, 2152, gpdu(4097), 5, 8, -1));
  const slot = ep.find(KEY);
  assert.equal(keptTeid(ep, slot), 0xfedc_ba98);
  assert.equal(ep.teidOf(slot), 0xfedc_ba98);
  assert.equal(ep.updates, 1);
  ep.learn(KEY, PEER, 2152, gpdu(4097), 5, 8, -1);
  assert.equal(ep.updates, 1, 'the same uplink header again is not a change');
  ep.learn(KEY, PEER, 2152, gpdu(4099), 5, 8, -1);
  assert.equal(ep.updates, 2, 'a new uplink TEID is a change');
  assert.equal(keptTeid(ep, slot), 4099, 'a TEID without a declared downlink TEID is kept as sent');
});

test('reloads add and remove the downlink TEID of known endpoints; the address finds devices without teid', () => {
  const ep = new DeviceEndpoints(1);
  ep.learn(KEY, PEER, 2152, gpdu(4097), 5, 8, -1);
  const slot = ep.find(KEY);
  assert.equal(keptTeid(ep, slot), 4097, 'no downlink TEID: the uplink one');
  ep.setDownlinkTeids(new DeviceDirectory({ devices: [{ ip: '10.128.0.2', downlinkTeid: 8193, tags: [] }] }));
  assert.equal(keptTeid(ep, slot), 8193, 'applied to the known endpoint at once (by address)');
  ep.learn(KEY, PEER, 2152, gpdu(4097), 5, 8, -1);
  assert.equal(ep.updates, 1);
  ep.setDownlinkTeids(new DeviceDirectory({ devices: [{ ip: '10.128.0.2', tags: [] }] }));
  assert.equal(keptTeid(ep, slot), 4097, 'removed: back to the TEID the device sent with');
  ep.setDownlinkTeids(null);
  assert.equal(ep.teidOf(slot), 4097);
});

test('the table grows with its downlink TEIDs', () => {
  const ep = new DeviceEndpoints(1);
  const devices = Array.from({ length: 40 }, (_, i) => ({ ip: `10.128.1.${i}`, teid: 1000 + i, downlinkTeid: 2000 + i, tags: [] }));
  ep.setDownlinkTeids(new DeviceDirectory({ devices }));
  for (let i = 0; i < 40; i++) ep.learn((10 << 24) | (128 << 16) | (1 << 8) | i, PEER, 2152, gpdu(1000 + i), 5, 8, -1);
  for (let i = 0; i < 40; i++) assert.equal(ep.teidOf(ep.find((10 << 24) | (128 << 16) | (1 << 8) | i)), 2000 + i);
});
