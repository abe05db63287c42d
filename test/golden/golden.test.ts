// Golden outputs: `fleetgate flows` lines and Inspection reports for a handful of captures.
// UPDATE_GOLDEN=1 npm test rewrites the expected files; review the diff before committing.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectFlows } from '../../src/pipeline/collect-flows.js';
import { Pipeline } from '../../src/pipeline/worker.js';
import { replayFile } from '../../src/pipeline/replay.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import { loadConfig } from '../../src/control/config/load-config.js';
import { corpusDir } from '../_support/tools.js';
import { writeSimCapture } from '../_support/sim-capture.js';

const GOLDEN = resolve('test/golden/expected');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
// Chosen to cover: DNS with QinQ, MQTT, TLS, IPv6-in-IPv4, VXLAN, GRE, GTP-U, SLL, null link type.
const CORPUS = ['dns.pcap', 'mqtt.pcap', '443-chrome.pcap', '6in4tunnel.pcap', 'vxlan.pcap', 'gre.pcapng', 'dtls.pcap', 'http2.pcapng', 'nats.pcap'];

function compare(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE && process.env.CI) assert.fail(`golden file ${name} is missing (run UPDATE_GOLDEN=1 npm test and commit it)`);
    writeFileSync(file, actual);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from the golden output (UPDATE_GOLDEN=1 rewrites it)`);
}

async function reportsText(pcap: string, devices: DeviceDirectory, op = 'op-golden', gw = 'gw-golden'): Promise<string> {
  const lines: string[] = [];
  const p = new Pipeline({ operatorId: op, gatewayId: gw, intervalUs: 60e6, flowCapacity: 1 << 14, devices, onReport: (r) => lines.push(JSON.stringify(r)) });
  await replayFile(pcap, p);
  return lines.join('\n') + '\n';
}

for (const name of CORPUS) {
  test(`golden: ${name}`, async (t) => {
    const dir = corpusDir(t, 'ndpi/pcap');
    if (!dir) return;
    const pcap = join(dir, name);
    const { lines } = await collectFlows(pcap);
    compare(`${name}.flows.txt`, lines.join('\n') + '\n');
    compare(`${name}.reports.jsonl`, await reportsText(pcap, DeviceDirectory.empty()));
  });
}

test('golden: simulated fleet with a config', async (t) => {
  const cap = await writeSimCapture({ devices: 6, durationSec: 130, seed: 11, startTimeUs: Date.UTC(2026, 0, 1) * 1000, scenarios: ['scanner'] });
  t.after(() => rmSync(cap.dir, { recursive: true, force: true }));
  const config = loadConfig(cap.config);
  const { lines } = await collectFlows(cap.pcap, { devices: DeviceDirectory.fromConfig(config) });
  compare('sim-6.flows.txt', lines.join('\n') + '\n');
  compare('sim-6.reports.jsonl', await reportsText(cap.pcap, DeviceDirectory.fromConfig(config), config.operator.id, config.gateway.id));
});
