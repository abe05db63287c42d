// Every capture of the nDPI and suricata-verify corpora goes through the whole pipeline without an
// exception (a real file corruption must surface as a CaptureError, never as a crash).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Pipeline } from '../../src/pipeline/worker.js';
import { replayFile } from '../../src/pipeline/replay.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import { corpusDir } from '../_support/tools.js';

function captures(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}

for (const sub of ['ndpi/pcap', 'suricata-verify']) {
  test(`every capture in corpus/${sub} replays without an exception`, async (t) => {
    const dir = corpusDir(t, sub);
    if (!dir) return;
    const files = captures(dir);
    assert.ok(files.length > 10);
    let frames = 0;
    for (const f of files) {
      const pipeline = new Pipeline({
        operatorId: 'op',
        gatewayId: 'gw',
        intervalUs: 60e6,
        flowCapacity: 1 << 14,
        devices: DeviceDirectory.empty(),
        onReport: () => {},
      });
      const res = await replayFile(f, pipeline);
      assert.equal(res.captureError, undefined, `${f}: ${res.captureError?.message}`);
      frames += pipeline.stats.frames;
      assert.equal(pipeline.flows.stats.active, 0, 'finish() ends every flow');
    }
    assert.ok(frames > 100, `only ${frames} frames read`);
  });
}
