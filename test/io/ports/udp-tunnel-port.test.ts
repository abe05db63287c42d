// Bump in the wire over loopback: VXLAN / GENEVE / GTP-U datagrams sent to a UdpTunnelPort come back to
// the sender unchanged (same tunnel header, VNI, GENEVE options, inner frame), after the pipeline has
// counted them for the right device. GTP-U echo requests are answered; non-tunnel datagrams are not
// returned. Needs the native addon (not root).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { UdpTunnelPort } from '../../../src/io/ports/index.js';
import { LiveGateway } from '../../../src/pipeline/live-gateway.js';
import { Pipeline } from '../../../src/pipeline/worker.js';
import { DeviceDirectory } from '../../../src/control/devices/device-directory.js';
import type { InspectionReportOut } from '../../../src/export/inspection/report-builder.js';
import { geneveFrame, gtpuFrame, vxlanFrame } from '../../packet/_support/frames.js';
import { addonOrSkip, waitFor } from '../native/native-env.js';

/** Frames from the decoder fixtures: Ethernet(14) + IPv4(20) + UDP(8) outer headers, then the datagram. */
const datagramOf = (frame: Uint8Array): Buffer => Buffer.from(frame.subarray(42));

interface Rig {
  port: UdpTunnelPort;
  gw: LiveGateway;
  pipeline: Pipeline;
  client: Socket;
  got: Buffer[];
  reports: InspectionReportOut[];
  send(d: Buffer): Promise<void>;
}

async function rig(kind: 'vxlan' | 'geneve' | 'gtpu', subnets: string[]): Promise<Rig> {
  const reports: InspectionReportOut[] = [];
  const pipeline = new Pipeline({
    operatorId: 'op',
    gatewayId: 'gw',
    intervalUs: 60e6,
    flowCapacity: 1024,
    devices: DeviceDirectory.fromSubnets(subnets),
    onReport: (r) => reports.push(r),
  });
  const port = new UdpTunnelPort({ kind, address: '127.0.0.1', port: 0, batchSize: 16 });
  // replyPort 0: back to the port the datagram came from (the test socket is on an ephemeral port)
  const gw = new LiveGateway({ pipeline, devices: port, replyPort: 0 });
  await gw.start();
  const client = createSocket('udp4');
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  const got: Buffer[] = [];
  client.on('message', (m) => got.push(m));
  const send = (d: Buffer) => new Promise<void>((res, rej) => client.send(d, port.localPort(), '127.0.0.1', (e) => (e ? rej(e) : res())));
  return { port, gw, pipeline, client, got, reports, send };
}

async function close(r: Rig): Promise<void> {
  r.client.close();
  await r.gw.stop();
}

function deviceTotals(reports: InspectionReportOut[], ip: string): { packets: number; bytes: number } {
  let packets = 0;
  let bytes = 0;
  for (const r of reports) {
    if (r.payloads.device.ip !== ip) continue;
    packets += r.payloads.uplink.packets + r.payloads.downlink.packets;
    bytes += r.payloads.uplink.bytes + r.payloads.downlink.bytes;
  }
  return { packets, bytes };
}

describe('UDP tunnel port: bump in the wire', () => {
  it('returns VXLAN datagrams unchanged to their sender and reports the inner device', async (t) => {
    if (!addonOrSkip(t)) return;
    const r = await rig('vxlan', ['10.1.0.0/16']);
    t.after(() => close(r));
    assert.equal(r.gw.mode, 'bump');
    const d = datagramOf(vxlanFrame());
    for (let i = 0; i < 3; i++) await r.send(d);
    await waitFor(() => r.got.length >= 3, 'three returned datagrams');
    for (const g of r.got) assert.deepEqual(g, d, 'same VXLAN header (VNI 0x123456) and inner frame');
    assert.equal(r.gw.counters.returned, 3);
    assert.equal(r.port.counters.rxFrames, 3);
    assert.equal(r.port.counters.txFrames, 3);
    assert.equal(r.pipeline.stats.ipPackets, 3);
    assert.equal(r.pipeline.view.tunnelId[0], 0x123456, 'the pipeline saw the VNI');
    await r.gw.stop();
    const innerIpLen = d.length - 8 - 14;
    assert.deepEqual(deviceTotals(r.reports, '10.1.0.5'), { packets: 3, bytes: 3 * innerIpLen });
  });

  it('returns a burst of equal-length datagrams (UDP GSO replies) as separate datagrams, byte for byte', async (t) => {
    if (!addonOrSkip(t)) return;
    const r = await rig('vxlan', ['10.1.0.0/16']);
    t.after(() => close(r));
    assert.equal(r.port.segmented, true);
    const d = datagramOf(vxlanFrame());
    await Promise.all(Array.from({ length: 40 }, () => r.send(d)));
    await waitFor(() => r.got.length >= 40, 'forty returned datagrams');
    assert.equal(r.got.length, 40);
    for (const m of r.got) assert.deepEqual(m, d);
    assert.equal(r.port.counters.txFrames, 40);
    assert.equal(r.port.counters.txDrops, 0);
    assert.equal(r.port.segmented, true, 'loopback takes UDP GSO sends');
  });

  it('returns GENEVE datagrams with the same VNI and options', async (t) => {
    if (!addonOrSkip(t)) return;
    const r = await rig('geneve', ['10.2.0.0/16']);
    t.after(() => close(r));
    const d = datagramOf(geneveFrame());
    // a second datagram with other option bytes: each goes back with its own options
    const d2 = Buffer.from(d);
    d2[8 + 4] ^= 0xff;
    await r.send(d);
    await r.send(d2);
    await waitFor(() => r.got.length >= 2, 'two returned datagrams');
    const sorted = r.got.map((g) => g.toString('hex')).sort();
    assert.deepEqual(sorted, [d.toString('hex'), d2.toString('hex')].sort());
    assert.equal(r.got[0][0] & 0x3f, 3, 'options length kept (3 words)');
    assert.equal(r.pipeline.view.tunnelId[0], 0xabcdef);
    assert.equal(r.pipeline.stats.ipPackets, 2);
  });

  it('answers GTP-U echo requests and returns G-PDUs', async (t) => {
    if (!addonOrSkip(t)) return;
    const r = await rig('gtpu', ['100.64.0.0/10']);
    t.after(() => close(r));
    const echo = Buffer.from([0x32, 0x01, 0x00, 0x04, 0, 0, 0, 0, 0x12, 0x34, 0, 0]);
    await r.send(echo);
    await waitFor(() => r.got.length >= 1, 'the echo response');
    const resp = r.got[0];
    assert.equal(resp[1], 2, 'echo response');
    assert.equal((resp[8] << 8) | resp[9], 0x1234, 'same sequence number');
    assert.equal(resp[12], 14, 'Recovery IE');
    assert.equal((resp[2] << 8) | resp[3], resp.length - 8, 'GTP-U length field');
    assert.equal(r.port.echoes, 1);
    assert.equal(r.pipeline.stats.frames, 0, 'echo is not traffic');

    const gpdu = datagramOf(gtpuFrame());
    await r.send(gpdu);
    await waitFor(() => r.got.length >= 2, 'the returned G-PDU');
    assert.deepEqual(r.got[1], gpdu);
    assert.equal(r.pipeline.view.tunnelId[0], 0x0badcafe, 'the pipeline saw the TEID');
    assert.equal(r.pipeline.stats.ipPackets, 1);
  });

  it('does not return datagrams that are not tunnel packets', async (t) => {
    if (!addonOrSkip(t)) return;
    const r = await rig('vxlan', ['10.1.0.0/16']);
    t.after(() => close(r));
    await r.send(Buffer.from('not a vxlan packet'));
    await r.send(datagramOf(vxlanFrame()));
    await waitFor(() => r.got.length >= 1, 'the valid datagram back');
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(r.got.length, 1);
    assert.equal(r.pipeline.stats.frames, 2);
    assert.equal(r.gw.counters.returned, 1);
  });
});

describe('ports without the native addon', () => {
  it('fail with a message naming the port kind', () => {
    const saved = process.env.FLEETGATE_NATIVE_PATH;
    process.env.FLEETGATE_NATIVE_PATH = '/nonexistent/fleetgate_native.node';
    try {
      assert.throws(() => new UdpTunnelPort({ kind: 'geneve' }), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'FG_ERR_UNSUPPORTED');
        assert.match(e.message, /the geneve port needs the native addon/);
        return true;
      });
    } finally {
      if (saved === undefined) delete process.env.FLEETGATE_NATIVE_PATH;
      else process.env.FLEETGATE_NATIVE_PATH = saved;
    }
  });
});
