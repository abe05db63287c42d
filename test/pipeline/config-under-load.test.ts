// Configuration changes reach the data path between batches without dropping or misrouting a packet:
// a device is changed through the store every 5 batches while a capture replays at full speed; the
// published snapshots are applied by the pipeline; report totals still equal the capture's totals and
// no report pairs an IMSI with an address the configuration never gave it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Store } from '../../src/control/store/store.js';
import { systemActor } from '../../src/control/auth/actor.js';
import { loadConfig } from '../../src/control/config/load-config.js';
import { Pipeline } from '../../src/pipeline/worker.js';
import { replayFile } from '../../src/pipeline/replay.js';
import type { InspectionReportOut } from '../../src/export/inspection/report-builder.js';
import { writeSimCapture } from '../_support/sim-capture.js';

test('a config change every few batches during a full-speed replay keeps report totals exact', async (t) => {
  const cap = await writeSimCapture({ devices: 120, durationSec: 300, seed: 4, startTimeUs: Date.UTC(2026, 0, 1) * 1000 });
  t.after(() => rmSync(cap.dir, { recursive: true, force: true }));
  const config = loadConfig(cap.config);
  const store = Store.open(':memory:');
  t.after(() => store.close());
  store.seedFromConfig(config);
  const gw = config.gateway.id;
  const op = config.operator.id;
  const actor = systemActor(op);
  const snap0 = store.snapshot(gw);
  assert.ok(snap0, 'the seeded gateway has a snapshot');

  const reports: InspectionReportOut[] = [];
  const pipeline = new Pipeline({
    operatorId: op,
    gatewayId: gw,
    intervalUs: snap0.intervalUs,
    flowCapacity: 1 << 15,
    devices: snap0.devices,
    onReport: (r) => reports.push(r),
  });
  let published = 0;
  const unsubscribe = store.onSnapshot(gw, (s) => {
    published++;
    pipeline.queueConfig({ devices: s.devices, intervalUs: s.intervalUs });
  });

  // the valid IMSI ↔ IP pairs across all configurations the test makes
  const ipOf = new Map(config.devices.filter((d) => d.imsi).map((d) => [d.imsi!, d.ip]));
  const victims = store.devices.list(op, gw).slice(0, 10);
  let step = 0;
  const change = (): void => {
    const k = Math.floor(step / 2) % victims.length;
    const d = victims[k];
    // delete a device (its traffic then belongs to an unregistered device at the same IP), then bring
    // it back under a new name
    if (step % 2 === 0) store.devices.delete(actor, gw, d.id);
    else victims[k] = store.devices.create(actor, gw, { imsi: d.imsi, ip: d.ip, name: `${d.name}-r${step}`, group: d.group });
    step++;
  };
  // a change every 5 batches, driven by the replay's progress rather than a wall-clock timer, so the
  // number of changes does not depend on how fast this machine replays; the replay yields to the event
  // loop after each change (a timer tick), as a store change would reach a running pipeline
  let batches = 0;
  try {
    await replayFile(cap.pcap, pipeline, {
      pause: () => {
        if (++batches % 5 !== 0) return null;
        change();
        return new Promise<void>((r) => setTimeout(r, 0));
      },
    });
  } finally {
    unsubscribe();
  }

  assert.ok(published >= 10, `configuration changed during the replay (${published} snapshots)`);
  let packets = 0;
  let bytes = 0;
  for (const r of reports) {
    packets += r.payloads.uplink.packets + r.payloads.downlink.packets;
    bytes += r.payloads.uplink.bytes + r.payloads.downlink.bytes;
    if (r.imsi) assert.equal(r.payloads.device.ip, ipOf.get(r.imsi), `report ${r.recordId}: IMSI ${r.imsi} with a foreign address`);
  }
  assert.equal(packets, pipeline.stats.ipPackets, 'no packet lost or counted twice');
  assert.equal(bytes, pipeline.stats.ipBytes);
  assert.equal(pipeline.stats.unattributedPackets, 0, 'every packet stayed with a device');
});
