// The live benchmark's moving parts at a low rate: the C tools build, the fleetgate relay returns every
// VXLAN datagram (inspected, attributed to the fleet device) and mirrors each one to the sink through
// LiveGateway's own mirroring (dgram transport).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FLOWS, SEQ_OFFSET, SPORT_OFFSET, vxlanTemplate } from '../../../bench/live/bench-traffic.js';
import { buildNativeTools, runStep, writeTemplate } from '../../../bench/live/native-tools.js';
import { startReady, type Running } from '../../../bench/live/processes.js';
import { needTool } from '../../_support/tools.js';
import { addonOrSkip } from '../../io/native/native-env.js';

const PORTS = { count: 47_870, mirror: 47_871, relay: 47_872 };

describe('bench:live pieces', () => {
  it('fleetgate relay: every datagram back, inspected and mirrored', async (t) => {
    if (!needTool(t, 'cc') || !addonOrSkip(t)) return;
    const dir = mkdtempSync(join(tmpdir(), 'fg-bench-live-test-'));
    const procs: Running[] = [];
    t.after(async () => {
      await Promise.all(procs.map((p) => p.stop(2000)));
      rmSync(dir, { recursive: true, force: true });
    });
    const tools = await buildNativeTools(dir);
    const sink = await startReady('sink', tools.blast, ['sink', String(PORTS.mirror)]);
    procs.push(sink);
    const relayJs = resolve(process.cwd(), 'dist/bench/live/fleetgate-relay.js');
    const fg = await startReady('fleetgate', process.execPath, [relayJs, String(PORTS.relay), String(PORTS.count), String(PORTS.mirror), 'dgram']);
    procs.push(fg);
    const size = 128;
    const template = writeTemplate(dir, size, vxlanTemplate(size));
    const spec = {
      relayPort: PORTS.relay,
      countPort: PORTS.count,
      template,
      size: size + 8,
      seqOffset: SEQ_OFFSET,
      varyOffset: SPORT_OFFSET,
      varyCount: FLOWS,
      stepMs: 500,
      probeCount: 1000,
    };
    const step = await runStep(tools, spec, 4000); // 2000 datagrams
    assert.equal(step.sent, 2000);
    assert.equal(step.received, 2000, 'every datagram came back');
    assert.equal(step.lossPct, 0);

    const stats = JSON.parse((await fg.stop(10_000)).trim());
    assert.equal(stats.ipPackets, 2000, 'all inspected');
    assert.equal(stats.unattributedPackets, 0, 'all attributed to the fleet device');
    assert.equal(stats.flows, FLOWS, 'one flow per varied source port');
    assert.ok(stats.reports >= 1, 'reports emitted at stop');
    assert.equal(stats.forwarding.returned, 2000);
    assert.equal(stats.mirror.sent, 2000, 'each packet mirrored once');
    assert.equal(stats.mirror.dropped, 0);
    const sinkLine = await sink.stop();
    assert.match(sinkLine, /sink received 2000 datagrams/);
    // mirror copies: 8-byte VXLAN header + the inner frame
    assert.match(sinkLine, new RegExp(`, ${2000 * (size + 8)} bytes`));
  });
});
