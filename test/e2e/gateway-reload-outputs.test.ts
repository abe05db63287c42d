// End to end, `fleetgate gateway` as a loopback bump in the wire (VXLAN port on 127.0.0.1): the config
// is re-read on SIGHUP and the configured outputs get the records.
//
//   test (UDP socket) ── VXLAN ──► fleetgate VXLAN port ──► back to the test, as it came
//                                         └── mirror copies (VXLAN VNI 99) ──► test (UDP socket)
//
// One UDP flow of the device runs through three phases of 20 packets: (1) config without mirroring;
// SIGHUP with a mirror peer added → (2) every packet is copied to it; SIGHUP with an invalid file →
// refused with the config error printed, (3) the running config (with the peer) stays. Across the
// reloads every datagram comes back (ports not restarted), the flow stays one flow, and the JSONL output
// of gateway.outputs holds the Inspection report (enveloped), the finished flow record and its EVE record.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICE_IMSI, canRunLab, settle, tempDir } from './_support/lab-traffic.js';
import { deviceLines, loopbackFleetHead, mirrorPeerLines, startLoopbackGateway } from './_support/loopback-gateway.js';
import { stoppedSummary } from './_support/junction-lab.js';
import { bindLoopback, waitFor } from '../_support/loopback-vxlan.js';

const PER_PHASE = 20;
const base = 30000 + Math.floor(Math.random() * 20000);
const GW_PORT = base;
const MIRROR_PORT = base + 1;

function writeFleet(path: string, records: string, mirror: 'none' | 'peer' | 'invalid'): void {
  const lines = [
    ...loopbackFleetHead(GW_PORT),
    '  outputs:',
    '    sinks:',
    `      - { name: archive, kind: jsonl, path: ${records} }`,
    `      - { name: metrics, kind: prometheus, textfile: ${records}.prom }`,
    ...(mirror === 'none' ? [] : mirrorPeerLines(MIRROR_PORT, mirror === 'peer')),
    ...deviceLines(),
    '',
  ];
  writeFileSync(path, lines.join('\n'));
}

describe('e2e: gateway reload on SIGHUP and live outputs (loopback bump in the wire)', { timeout: 60_000 }, () => {
  it('a mirror peer added by SIGHUP gets copies; an invalid file is refused; the JSONL output gets the records', async (t) => {
    if (!canRunLab(t)) return;
    const dir = tempDir(t);
    const fleet = join(dir, 'fleet.yaml');
    const records = join(dir, 'records.jsonl');
    writeFleet(fleet, records, 'none');

    const mirror = createSocket('udp4');
    t.after(() => mirror.close());
    const copies: Buffer[] = [];
    mirror.on('message', (m) => copies.push(m));
    await bindLoopback(mirror, MIRROR_PORT);
    const { gw, back, phase: send } = await startLoopbackGateway(t, fleet, dir, GW_PORT);
    const phase = () => send(PER_PHASE);

    await phase();
    await settle(200);
    assert.equal(copies.length, 0, 'no mirroring yet');

    writeFleet(fleet, records, 'peer');
    gw.child.kill('SIGHUP');
    await gw.waitFor(/reloaded .*mirror peers 0 kept, 1 added, 0 removed/, 'the reload');
    await phase();
    await waitFor(() => copies.length >= PER_PHASE, () => `${PER_PHASE} mirror copies (got ${copies.length})`, 5000);
    assert.equal(copies[0][0], 0x08, 'a VXLAN copy');
    assert.equal(copies[0].readUIntBE(4, 3), 99, 'VNI 99');

    writeFleet(fleet, records, 'invalid');
    gw.child.kill('SIGHUP');
    await gw.waitFor(/reload refused/, 'the refusal');
    assert.match(gw.out, /reload refused, the running config stays: .*gateway\.junction\.mirroring\.peers\[0\]\.vni/);
    await phase();
    await waitFor(() => copies.length >= 2 * PER_PHASE, () => `${2 * PER_PHASE} mirror copies (got ${copies.length})`, 5000);

    assert.equal(await gw.stop('SIGTERM'), 0, gw.out);
    assert.equal(back(), 3 * PER_PHASE, 'every datagram came back: the port was never restarted');
    assert.equal(copies.length, 2 * PER_PHASE, 'one copy per packet once the peer was added, none before');
    const sum = stoppedSummary(gw.out) as { flows: number; mirroring: { sent: number; dropped: number }[] };
    t.diagnostic(`gateway: flows ${sum.flows}, mirroring ${JSON.stringify(sum.mirroring)}`);
    assert.equal(sum.flows, 1, 'the flow lived through both reloads');
    assert.equal(sum.mirroring[0].sent, 2 * PER_PHASE);

    // the JSONL output: enveloped Inspection reports and the finished flow
    const out = readFileSync(records, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { type: string; gateway: string; record: Record<string, unknown> });
    const reports = out.filter((r) => r.type === 'inspection' && r.record.imsi === DEVICE_IMSI);
    const flows = out.filter((r) => r.type === 'flow');
    t.diagnostic(`jsonl output: ${out.length} records: ${out.map((r) => `${r.type}${r.type === 'inspection' ? ` (${String(r.record.imsi ?? r.record.deviceIp ?? '-')})` : ''}`).join(', ')}`);
    assert.ok(reports.length >= 1);
    assert.equal(reports[0].gateway, 'gw-e2e');
    const up = reports.reduce((n, r) => n + (r.record.payloads as { uplink: { packets: number } }).uplink.packets, 0);
    assert.equal(up, 3 * PER_PHASE, 'the reports count every packet once');
    assert.equal(flows.length, 1);
    assert.ok(out.some((r) => r.type === 'eve'), 'EVE records (the sink takes every type by default)');
    assert.equal((flows[0].record as { pktsAB: number }).pktsAB, 3 * PER_PHASE, 'the flow record: one flow, every packet');
    assert.match(gw.out, /output archive: queued \d+, sent \d+/);
    // the Prometheus output: per-port counters of the live gateway's devices port
    const prom = readFileSync(`${records}.prom`, 'utf8');
    const rx = /fleetgate_port_packets_total\{[^}]*port="vxlan[^"]*"[^}]*direction="rx"[^}]*\} (\d+)/.exec(prom) ?? /fleetgate_port_packets_total\{[^}]*direction="rx"[^}]*\} (\d+)/.exec(prom);
    assert.ok(rx, `port counters in the metrics:\n${prom.slice(0, 2000)}`);
    assert.equal(Number(rx[1]), 3 * PER_PHASE, 'every datagram counted on the devices port');
  });
});
