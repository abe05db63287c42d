// Application naming through the real pipeline on a simulated fleet: DPI host names (SNI, Host, DNS
// query), the per-device DNS cache for flows that carry no name, operators' custom apps winning over
// the built-in catalog, and EVE-shaped records that pass their schema.
import test from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync, readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { Pipeline } from '../../src/pipeline/worker.js';
import { replayFile } from '../../src/pipeline/replay.js';
import { loadConfig } from '../../src/control/config/load-config.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import { AppCatalog } from '../../src/classify/catalog/index.js';
import { buildEveRecords, validateEveRecord } from '../../src/export/records/eve/index.js';
import type { FlowRecord } from '../../src/export/flows/flow-record.js';
import { refineProto } from '../../src/pipeline/classify-stage.js';
import { writeSimCapture } from '../_support/sim-capture.js';

test('flows are named by DPI host names, the DNS cache, and custom apps that win', async (t) => {
  const cap = await writeSimCapture({ devices: 8, durationSec: 120, seed: 9, startTimeUs: Date.UTC(2026, 0, 1) * 1000 });
  t.after(() => rmSync(cap.dir, { recursive: true, force: true }));
  const cfgObj = parse(readFileSync(cap.config, 'utf8'));
  cfgObj.applications = [{ name: 'fleet-cloud', category: 'iot-cloud', hosts: ['*.fleet.example'] }];
  writeFileSync(cap.config, stringify(cfgObj));
  const config = loadConfig(cap.config);

  const flows: FlowRecord[] = [];
  let records = 0;
  const pipeline = new Pipeline({
    operatorId: config.operator.id,
    gatewayId: config.gateway.id,
    intervalUs: 60e6,
    flowCapacity: 1 << 12,
    devices: DeviceDirectory.fromConfig(config),
    catalog: AppCatalog.builtin().withCustom(config.applications),
    onFlowMeta: (flow, info) => {
      flows.push(flow);
      for (const r of buildEveRecords({ flowId: info.flowId, flow, proto: info.proto, meta: info.meta, gatewayId: 'gw', operatorId: 'op' })) {
        assert.deepEqual(validateEveRecord(r), [], JSON.stringify(r));
        records++;
      }
    },
  });
  await replayFile(cap.pcap, pipeline);
  const byPort = (port: number) => flows.filter((f) => f.bPort === port);

  // TLS to the fleet's hosts (203.0.113.0/24, *.fleet.example) is named from its SNI; other sites stay TLS
  for (const f of byPort(443)) {
    const expected = f.bAddr.startsWith('203.0.113.') ? 'TLS.fleet-cloud/dpi' : 'TLS/dpi';
    assert.equal(`${f.app}/${f.appMethod}`, expected, `${f.bAddr}`);
  }
  for (const f of byPort(80)) assert.equal(`${f.app}/${f.appMethod}`, 'HTTP.fleet-cloud/dpi', 'HTTP named from its Host');
  // MQTT and NTP carry no host name: the device resolved it first, so the DNS cache names them
  for (const f of byPort(1883)) assert.equal(`${f.app}/${f.appMethod}`, 'MQTT.fleet-cloud/dns-cache');
  for (const f of byPort(123)) assert.equal(`${f.app}/${f.appMethod}`, 'NTP.fleet-cloud/dns-cache');
  assert.ok(byPort(443).length > 0 && byPort(1883).length > 0 && byPort(123).length > 0 && byPort(80).length > 0);
  assert.ok(flows.every((f) => f.app.endsWith('fleet-cloud') ? f.category === 'iot-cloud' : true));
  assert.ok(records > flows.length, 'flow records plus app-layer records');
});

test('mDNS, LLMNR and NetBIOS name service are told apart from DNS by port', () => {
  assert.equal(refineProto('DNS', 40000, 5353), 'MDNS');
  assert.equal(refineProto('DNS', 5355, 40000), 'LLMNR');
  assert.equal(refineProto('DNS', 137, 137), 'NetBIOS');
  assert.equal(refineProto('DNS', 40000, 53), 'DNS');
  assert.equal(refineProto('TLS', 5353, 40000), 'TLS');
  assert.equal(refineProto(null, 5353, 1), null);
});
