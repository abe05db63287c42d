// devices[].downlinkTeid through the REST API and the store: accepted, validated (range, unique per
// gateway), returned, patched, documented in the OpenAPI document, and handed to the data plane's
// device directory by the gateway snapshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi } from './api-harness.js';

test('downlinkTeid: create, read, patch, validation and the snapshot', async () => {
  const h = await startApi();
  try {
    const { call, keyA } = h;
    let r = await call(keyA, 'POST', '/v1/gateways', { name: 'ran', deviceSubnets: ['10.128.0.0/16'] });
    const gw = r.json.id as string;
    r = await call(keyA, 'POST', `/v1/gateways/${gw}/devices`, { ip: '10.128.0.2', teid: 4097, downlinkTeid: 8193 });
    assert.equal(r.status, 201, r.text);
    const dev = r.json.id as string;
    assert.equal(r.json.teid, 4097);
    assert.equal(r.json.downlinkTeid, 8193);
    assert.equal((await call(keyA, 'GET', `/v1/gateways/${gw}/devices/${dev}`)).json.downlinkTeid, 8193);

    r = await call(keyA, 'PATCH', `/v1/gateways/${gw}/devices/${dev}`, { downlinkTeid: 4294967295 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.downlinkTeid, 4294967295);
    assert.equal(r.json.teid, 4097, 'the patch left the uplink TEID alone');

    // range (the request schema) and uniqueness (the store), each named by its path
    r = await call(keyA, 'POST', `/v1/gateways/${gw}/devices`, { ip: '10.128.0.3', downlinkTeid: 0 });
    assert.equal(r.status, 400);
    assert.match(r.text, /downlinkTeid/);
    r = await call(keyA, 'POST', `/v1/gateways/${gw}/devices`, { ip: '10.128.0.3', downlinkTeid: 4294967295 });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'FG_API_VALIDATION');
    assert.deepEqual(r.json.error.problems, [{ path: 'body.downlinkTeid', problem: 'another device already has downlinkTeid 4294967295' }]);
    r = await call(keyA, 'POST', `/v1/gateways/${gw}/devices`, { ip: '10.128.0.3', downlinkTeid: 4097 });
    assert.equal(r.status, 201, 'equal to another device uplink TEID: allowed (each end allocates its own)');

    // the data plane sees it
    const snap = h.store.snapshot(gw);
    assert.ok(snap);
    const idx = snap.devices.findByIp('10.128.0.2');
    assert.equal(snap.devices.device(idx).downlinkTeid, 4294967295);

    const doc = (await call(null, 'GET', '/openapi.json')).json;
    assert.match(JSON.stringify(doc), /"downlinkTeid":\{"type":"integer","minimum":1,"maximum":4294967295/);
  } finally {
    await h.close();
  }
});
