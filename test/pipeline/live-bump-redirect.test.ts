// Redirection in bump-in-the-wire mode over loopback: tunnel datagrams (VXLAN; GENEVE carrying bare IP
// with GWLB-style options whose flow cookie differs per flow; GTP-U) are sent to a bump gateway; the
// packets of the selected flow go to a redirection peer (a UDP socket playing an appliance that returns
// every datagram it gets), and come back to their sender with the exact tunnel header they were sent
// with (VNI, options, TEID byte for byte, the GTP-U length rewritten for the same payload), to the port
// each direction came from. Unselected flows come straight back. Inspection counts each packet once; a
// returned packet with no kept path is dropped and counted. Needs the native addon (not root).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { UdpTunnelPort } from '../../src/io/ports/index.js';
import type { UdpTunnelKind } from '../../src/io/ports/tunnel-kind.js';
import { LiveGateway } from '../../src/pipeline/live-gateway.js';
import { Pipeline } from '../../src/pipeline/worker.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import { parseRedirectionConfig } from '../../src/actions/redirect/config.js';
import { buildFrame, buildIpPacket } from '../../src/packet/build/compose.js';
import { addonOrSkip, waitFor } from '../io/native/native-env.js';

const DEV = '10.1.0.5';
const SRV = '10.9.0.1';
/** A payload long enough that no inner Ethernet frame needs padding (returned frames carry none). */
const PAYLOAD = 'meter reading 0123456789 0123456789 0123456789';

interface Rig {
  gw: LiveGateway;
  pipeline: Pipeline;
  port: UdpTunnelPort;
  /** The device-side and the server-side VTEPs (two senders), and what each got back. */
  up: Socket;
  down: Socket;
  gotUp: Buffer[];
  gotDown: Buffer[];
  /** The appliance: datagrams it received (and returned). */
  peer: Socket;
  atPeer: Buffer[];
  send(s: Socket, d: Buffer): Promise<void>;
}

async function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

async function rig(kind: UdpTunnelKind, redirectAtStart = true): Promise<Rig> {
  const pipeline = new Pipeline({ operatorId: 'op', gatewayId: 'gw', intervalUs: 60e6, flowCapacity: 1024, devices: DeviceDirectory.fromSubnets(['10.1.0.0/16']) });
  const peer = await bound();
  const atPeer: Buffer[] = [];
  // the appliance returns every datagram as it came, to where it came from
  peer.on('message', (m, r) => {
    atPeer.push(m);
    peer.send(m, r.port, r.address);
  });
  const redirection = parseRedirectionConfig({
    primary: { address: '127.0.0.1', protocol: 'vxlan', port: peer.address().port },
    localPort: 0,
    selector: { ports: [8080] },
  });
  const port = new UdpTunnelPort({ kind, address: '127.0.0.1', port: 0, batchSize: 16 });
  // replyPort 0: each direction goes back to the port it came from
  const gw = new LiveGateway({ pipeline, devices: port, replyPort: 0, redirection: redirectAtStart ? redirection : undefined, redirectBindAddress: '127.0.0.1' });
  await gw.start();
  if (!redirectAtStart) {
    assert.equal(gw.bumpPaths, null, 'nothing kept without redirection');
    await gw.reconfigure({ redirection }); // a reload that turns redirection on
  }
  const up = await bound();
  const down = await bound();
  const gotUp: Buffer[] = [];
  const gotDown: Buffer[] = [];
  up.on('message', (m) => gotUp.push(m));
  down.on('message', (m) => gotDown.push(m));
  const send = (s: Socket, d: Buffer): Promise<void> => new Promise((res, rej) => s.send(d, port.localPort(), '127.0.0.1', (e) => (e ? rej(e) : res())));
  return { gw, pipeline, port, up, down, gotUp, gotDown, peer, atPeer, send };
}

async function close(r: Rig): Promise<void> {
  r.up.close();
  r.down.close();
  await r.gw.stop();
  r.peer.close();
}

function vxlan(vni: number, src: string, dst: string, sport: number, dport: number, payload = PAYLOAD): Buffer {
  const h = Buffer.alloc(8);
  h[0] = 0x08;
  h.writeUIntBE(vni, 4, 3);
  return Buffer.concat([h, buildFrame({ ip: { src, dst }, udp: { sport, dport }, payload })]);
}

/** GENEVE carrying bare IPv4 (protocol 0x0800) with AWS GWLB options: endpoint id and a per-flow cookie. */
function geneveGwlb(cookie: number, src: string, dst: string, sport: number, dport: number): Buffer {
  const opts = Buffer.alloc(12 + 8);
  opts.writeUInt16BE(0x0108, 0);
  opts[2] = 1;
  opts[3] = 2; // 2 words of data
  opts.writeBigUInt64BE(0x1122334455667788n, 4);
  opts.writeUInt16BE(0x0108, 12);
  opts[14] = 3;
  opts[15] = 1;
  opts.writeUInt32BE(cookie, 16);
  const h = Buffer.alloc(8);
  h[0] = opts.length / 4;
  h.writeUInt16BE(0x0800, 2);
  h.writeUIntBE(0x00abcd, 4, 3);
  return Buffer.concat([h, opts, Buffer.from(buildIpPacket({ ip: { src, dst }, udp: { sport, dport }, payload: PAYLOAD }))]);
}

/** GTP-U G-PDU (with the S flag: 12-byte header) carrying bare IPv4, TEID teid. */
function gtpu(teid: number, src: string, dst: string, sport: number, dport: number): Buffer {
  const ip = Buffer.from(buildIpPacket({ ip: { src, dst }, udp: { sport, dport }, payload: PAYLOAD }));
  const h = Buffer.alloc(12);
  h[0] = 0x32;
  h[1] = 0xff;
  h.writeUInt16BE(ip.length + 4, 2);
  h.writeUInt32BE(teid, 4);
  h.writeUInt16BE(7, 8); // sequence number
  return Buffer.concat([h, ip]);
}

const hexSorted = (a: Buffer[]): string[] => a.map((b) => b.toString('hex')).sort();

describe('bump in the wire with redirection (loopback)', { timeout: 30_000 }, () => {
  it('VXLAN: the selected flow goes through the peer both ways and comes back with its VNI to its sender; others come straight back', async (t) => {
    if (!addonOrSkip(t)) return;
    const r = await rig('vxlan');
    t.after(() => close(r));
    assert.equal(r.gw.mode, 'bump');
    // uplink of the selected flow in VNI 42 from one VTEP, its downlink in VNI 43 from another
    const upSel = [0, 1, 2].map((i) => vxlan(42, DEV, SRV, 40000, 8080, `${PAYLOAD} up ${i}`));
    const downSel = [0, 1].map((i) => vxlan(43, SRV, DEV, 8080, 40000, `${PAYLOAD} down ${i}`));
    const direct = [0, 1].map((i) => vxlan(42, DEV, SRV, 40001, 7000, `${PAYLOAD} direct ${i}`));
    for (const d of [...upSel, ...direct]) await r.send(r.up, d);
    for (const d of downSel) await r.send(r.down, d);
    await waitFor(() => r.gotUp.length >= 5 && r.gotDown.length >= 2, `5 + 2 datagrams back (got ${r.gotUp.length} + ${r.gotDown.length})`);
    assert.deepEqual(hexSorted(r.gotUp), hexSorted([...upSel, ...direct]), 'the device VTEP got each of its datagrams back byte for byte (VNI 42, inner Ethernet header)');
    assert.deepEqual(hexSorted(r.gotDown), hexSorted(downSel), 'the server VTEP got its own (VNI 43) back');
    assert.equal(r.atPeer.length, 5, 'the peer saw the selected flow only, both directions');
    for (const m of r.atPeer) assert.equal(m.readUIntBE(4, 3), 10, 'to the peer in the redirection VNI (10)');
    const j = r.gw.junction.counters;
    assert.equal(j.redirected, 5);
    assert.equal(j.returned, 5);
    assert.equal(j.returnedDropped, 0);
    assert.equal(r.gw.counters.returned, 7, '2 direct + 5 through the peer');
    assert.equal(r.pipeline.stats.ipPackets, 7, 'inspection counted each packet once');
    // the pipeline keys flows by VNI too: the uplink (VNI 42) and the downlink (VNI 43) are two flows
    const f = r.pipeline.flows;
    const sel: Array<[number, number, number]> = [];
    for (let i = 0; i < f.capacity; i++) if (f.isLive(i) && (f.portA[i] === 8080 || f.portB[i] === 8080)) sel.push([f.tunnelId[i], f.pktsAB(i), f.pktsBA(i)]);
    assert.deepEqual(sel.sort(), [[42, 3, 0], [43, 2, 0]], 'the selected 5-tuple: 3 up, 2 down, each counted once');
    assert.equal(r.gw.bumpPaths?.noPath, 0);
  });

  it('GENEVE (GWLB style): each flow comes back with its own options (flow cookie) byte for byte', async (t) => {
    if (!addonOrSkip(t)) return;
    const r = await rig('geneve');
    t.after(() => close(r));
    const a = [0, 1].map(() => geneveGwlb(0xa1a1a1a1, DEV, SRV, 41000, 8080));
    const b = [0, 1].map(() => geneveGwlb(0xb2b2b2b2, '10.1.0.6', SRV, 41001, 8080));
    const c = geneveGwlb(0xc3c3c3c3, DEV, SRV, 41002, 443);
    for (const d of [...a, ...b, c]) await r.send(r.up, d);
    await waitFor(() => r.gotUp.length >= 5, `5 datagrams back (got ${r.gotUp.length})`);
    assert.deepEqual(hexSorted(r.gotUp), hexSorted([...a, ...b, c]), 'GENEVE header, options and packet as sent');
    assert.equal(r.atPeer.length, 4, 'the two port-8080 flows went through the peer');
    assert.equal(r.gw.junction.counters.returned, 4);
    assert.equal(r.pipeline.stats.ipPackets, 5);
  });

  it('GTP-U: back with the TEID and sequence number it came with, the length field right', async (t) => {
    if (!addonOrSkip(t)) return;
    const r = await rig('gtpu');
    t.after(() => close(r));
    const d = gtpu(0x0badcafe, DEV, SRV, 42000, 8080);
    await r.send(r.up, d);
    await r.send(r.up, d);
    await waitFor(() => r.gotUp.length >= 2, `2 datagrams back (got ${r.gotUp.length})`);
    for (const g of r.gotUp) assert.equal(g.toString('hex'), d.toString('hex'));
    assert.equal(r.atPeer.length, 2);
    assert.equal(r.pipeline.stats.ipPackets, 2);
  });

  it('a reload turns redirection on in bump mode', async (t) => {
    if (!addonOrSkip(t)) return;
    const r = await rig('vxlan', false);
    t.after(() => close(r));
    const d = vxlan(42, DEV, SRV, 40000, 8080);
    await r.send(r.up, d);
    await waitFor(() => r.gotUp.length >= 1, 'the datagram back');
    assert.equal(r.gotUp[0].toString('hex'), d.toString('hex'));
    assert.equal(r.atPeer.length, 1, 'through the peer');
    assert.ok(r.gw.bumpPaths !== null);
  });

  it('drops, and counts, a returned packet whose flow never went to the peer', async (t) => {
    if (!addonOrSkip(t)) return;
    const r = await rig('vxlan');
    t.after(() => close(r));
    // learn where the gateway's redirection socket is: one selected packet first
    await r.send(r.up, vxlan(42, DEV, SRV, 40000, 8080));
    await waitFor(() => r.gotUp.length >= 1, 'the first packet back');
    const from = await new Promise<{ port: number }>((res) => {
      r.peer.removeAllListeners('message'); // the appliance stops returning
      r.peer.once('message', (_m, info) => res(info));
      void r.send(r.up, vxlan(42, DEV, SRV, 40000, 8080));
    });
    // the appliance now makes up a packet of another flow and sends it to the gateway
    const stray = Buffer.from(vxlan(10, '10.1.0.77', SRV, 1234, 8080));
    await new Promise<void>((res) => r.peer.send(stray, from.port, '127.0.0.1', () => res()));
    await waitFor(() => r.gw.junction.counters.returnedDropped >= 1, 'the stray packet dropped');
    assert.equal(r.gw.bumpPaths?.noPath, 1);
    assert.equal(r.gotUp.length, 1, 'nothing more reached the sender');
  });
});
