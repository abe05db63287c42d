// End to end, `fleetgate serve --config` with gateway.ports: the live gateway (VPG topology of
// vpg-vxlan.test.ts) runs under the API, which controls it.
//
//   [dev] ── VXLAN ──► [gw] fleetgate serve (API on 127.0.0.1 in gw) ──TUN──► [srv]
//                        └── VXLAN copies (peer added through the API) ──► [mir] 192.0.2.10 UDP 4789
//
// Checked, through real HTTP with the operator key serve printed on first start: curl from the device
// works; a mirroring peer added through the API receives VXLAN copies (its VNI) and /live shows its
// `sent` rising; a packet capture started through the API holds the same packets (raw IP); /v1/reports for the device (IMSI) sum exactly the packets and IP bytes tshark saw on
// the device's vxlan; once the device is deleted through the API its traffic is no longer attributed
// to its IMSI.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NetnsLab } from './_support/netns.js';
import { attachToGateway, buildVpg, readPcapFrames, routeDevicesIntoTun } from './_support/junction-lab.js';
import {
  DEVICE_IMSI, DEVICE_IP, HTTP_BODY, SERVER_IP, canRunLab, settle, startCapture, startServers, tempDir, tsharkCounts, writeConfig,
} from './_support/lab-traffic.js';

const API_PORT = 18080;
const MIRROR_VNI = 77;

const SINK = `
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(('0.0.0.0', 4789))
print('sink ready', flush=True)
n = 0
while True:
    d = u.recv(65535)
    n += 1
    print('copy', n, int.from_bytes(d[4:7], 'big'), flush=True)
`;

interface Report {
  imsi?: string;
  payloads: { device: { ip: string }; uplink: { packets: number; bytes: number }; downlink: { packets: number; bytes: number } };
}

describe('e2e: fleetgate serve runs the live gateway under the API', { timeout: 150_000 }, () => {
  it('API changes reach the gateway; reports, live counters and mirroring work', async (t) => {
    if (!canRunLab(t)) return;
    const lab = new NetnsLab(t);
    const dir = tempDir(t);
    const vpg = buildVpg(lab);
    const { dev, gw, srv } = vpg;
    const mir = attachToGateway(lab, vpg, 'm', '192.0.2.9', '192.0.2.10');
    await startServers(lab, srv, dir);
    // 10 s reports, so the test sees them closed while serve runs
    const config = writeConfig(dir, vpg.portsYaml);
    writeFileSync(config, readFileSync(config, 'utf8').replace('intervalSeconds: 60', 'intervalSeconds: 10'));

    const script = resolve(process.cwd(), 'dist/test/e2e/_support/run-serve.js');
    const serve = lab.spawn(gw, [process.execPath, script, '--config', config, '--db', join(dir, 'db', 'fg.db'), '--port', String(API_PORT)]);
    t.after(() => serve.stop('SIGTERM'));
    await serve.waitFor(/fleetgate API on/, 'fleetgate serve');
    assert.match(serve.out, /gateway gw-e2e: live \(vpg\)/);
    const key = /admin API key[^\n]*\n\s+(\S+)/.exec(serve.out)?.[1];
    assert.ok(key, `no admin key in: ${serve.out}`);
    routeDevicesIntoTun(lab, vpg);

    const api = (method: string, path: string, body?: unknown): { status: number; json: unknown } => {
      const data = body === undefined ? '' : `-H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
      const r = lab.tryExec(gw, `curl -sS -m 5 -X ${method} -H 'authorization: Bearer ${key}' ${data} -w '\\n%{http_code}' 'http://127.0.0.1:${API_PORT}${path}'`);
      assert.equal(r.status, 0, `curl ${method} ${path}: ${r.out}`);
      const nl = r.out.lastIndexOf('\n');
      const text = r.out.slice(0, nl);
      return { status: Number(r.out.slice(nl + 1)), json: text ? (JSON.parse(text) as unknown) : null };
    };
    const live = () => api('GET', '/v1/gateways/gw-e2e/live').json as { running: boolean; counters: Record<string, number>; junction: { mirroring: { address: string; state: string; sent?: number }[] } };
    const reportsFor = (device: string): Report[] => (api('GET', `/v1/reports?gateway=gw-e2e&device=${device}&limit=1000`).json as { items: Report[] }).items;
    const totals = (rs: Report[]) => rs.reduce((a, r) => ({ packets: a.packets + r.payloads.uplink.packets + r.payloads.downlink.packets, bytes: a.bytes + r.payloads.uplink.bytes + r.payloads.downlink.bytes }), { packets: 0, bytes: 0 });
    const curl = () => {
      const r = lab.tryExec(dev, `curl -sS -m 10 http://${SERVER_IP}:8080/hello.txt`);
      assert.equal(r.status, 0, `curl through fleetgate serve failed: ${r.out}`);
      assert.equal(r.out, HTTP_BODY);
    };

    // 1. traffic through the gateway serve runs
    const pcap = join(dir, 'device.pcap');
    const tshark = await startCapture(lab, dev, vpg.devVxlan, pcap);
    curl();
    const l0 = live();
    assert.equal(l0.running, true);
    assert.ok(l0.counters.ipPackets > 0 && l0.counters.toNetwork > 0 && l0.counters.toDevices > 0, JSON.stringify(l0.counters));
    assert.ok(l0.counters.upPackets > 0 && l0.counters.downPackets > 0, 'direction counters run on live ports');

    // 2. a mirroring peer added through the API gets copies
    const sink = lab.spawn(mir.ns, ['python3', '-u', '-c', SINK]);
    await sink.waitFor(/sink ready/, 'the mirror sink');
    const added = api('POST', '/v1/gateways/gw-e2e/junction/mirroring/peers', { ipAddress: '192.0.2.10', protocol: 'vxlan', vni: MIRROR_VNI });
    assert.equal(added.status, 201, JSON.stringify(added.json));
    // added disabled (the API's default), then enabled: two reconfigurations of the running gateway
    await settle(200);
    assert.equal(live().junction.mirroring.find((p) => p.address === '192.0.2.10')?.state, 'disabled');
    const enabled = api('PUT', '/v1/gateways/gw-e2e/junction/mirroring/peers/192.0.2.10', { protocol: 'vxlan', vni: MIRROR_VNI, enabled: true });
    assert.equal(enabled.status, 200, JSON.stringify(enabled.json));
    let peer: { state: string; sent?: number } | undefined;
    for (let i = 0; i < 40 && peer?.state !== 'mirroring'; i++) {
      await settle(100);
      peer = live().junction.mirroring.find((p) => p.address === '192.0.2.10');
    }
    assert.equal(peer?.state, 'mirroring', JSON.stringify(peer));
    const sentBefore = peer?.sent ?? 0;
    // and a packet capture of the device through the API, over the same exchange
    const cap = api('POST', '/v1/gateways/gw-e2e/packet_capture_sessions', { duration: 60, deviceIp: DEVICE_IP });
    assert.equal(cap.status, 201, JSON.stringify(cap.json));
    const sessionId = (cap.json as { sessionId: string }).sessionId;
    await settle(200);
    curl();
    await settle(500);
    assert.equal(api('POST', `/v1/gateways/gw-e2e/packet_capture_sessions/${sessionId}/stop`).status, 200);
    const copies = [...sink.out.matchAll(/copy (\d+) (\d+)/g)];
    const after = live().junction.mirroring.find((p) => p.address === '192.0.2.10');
    t.diagnostic(`mirror peer: ${copies.length} copies received, /live sent ${sentBefore} -> ${after?.sent}`);
    assert.ok(copies.length >= 10, `copies of the curl exchange arrived (${copies.length})`);
    assert.ok(copies.every((m) => Number(m[2]) === MIRROR_VNI), 'copies carry the peer VNI');
    assert.ok((after?.sent ?? 0) > sentBefore, '/live shows the peer sent rising');
    assert.equal(after?.sent, copies.length, 'every copy sent arrived');
    let url: string | undefined;
    for (let i = 0; i < 20 && !url; i++) {
      await settle(100);
      url = (api('GET', `/v1/gateways/gw-e2e/packet_capture_sessions/${sessionId}`).json as { url?: string }).url;
    }
    assert.ok(url, 'the capture finished');
    const capFile = join(dir, 'capture.pcap');
    lab.exec(gw, `curl -sS -f -m 5 -H 'authorization: Bearer ${key}' -o ${capFile} 'http://127.0.0.1:${API_PORT}${url}'`);
    assert.equal(readFileSync(capFile).readUInt32LE(20), 101, 'live ports are captured as raw IP');
    const frames = readPcapFrames(capFile);
    t.diagnostic(`capture through the API: ${frames.length} frames`);
    assert.equal(frames.length, copies.length, 'the capture holds the packets that were mirrored (each processed packet once)');

    // 3. the device's reports in the store sum exactly what went through
    await tshark.stop('SIGINT');
    const ref = tsharkCounts(pcap, DEVICE_IP);
    let got = totals(reportsFor(DEVICE_IMSI));
    for (let i = 0; i < 30 && got.packets < ref.packets; i++) {
      await settle(500);
      got = totals(reportsFor(DEVICE_IMSI));
    }
    t.diagnostic(`tshark on the device's vxlan: ${ref.packets} packets, ${ref.bytes} IP bytes; /v1/reports: ${got.packets} packets, ${got.bytes} IP bytes`);
    assert.ok(ref.packets >= 20, 'two HTTP exchanges');
    assert.equal(got.packets, ref.packets, 'packets: reports vs tshark');
    assert.equal(got.bytes, ref.bytes, 'IP bytes: reports vs tshark');

    // 4. a device deleted through the API is no longer attributed
    const devices = (api('GET', '/v1/gateways/gw-e2e/devices').json as { items: { id: string; imsi?: string }[] }).items;
    const d = devices.find((x) => x.imsi === DEVICE_IMSI);
    assert.ok(d, JSON.stringify(devices));
    assert.equal(api('DELETE', `/v1/gateways/gw-e2e/devices/${d.id}`).status, 204);
    await settle(100);
    const ipBefore = live().counters.ipPackets;
    curl();
    let unregistered: Report[] = [];
    for (let i = 0; i < 30 && unregistered.length === 0; i++) {
      await settle(500);
      unregistered = reportsFor(DEVICE_IP).filter((r) => r.imsi === undefined);
    }
    const later = totals(reportsFor(DEVICE_IMSI));
    t.diagnostic(`after delete: IMSI totals ${later.packets} packets; reports without IMSI for ${DEVICE_IP}: ${totals(unregistered).packets} packets`);
    assert.ok(live().counters.ipPackets > ipBefore, 'traffic still flows');
    assert.deepEqual(later, got, 'nothing more attributed to the deleted device');
    assert.ok(unregistered.length > 0 && totals(unregistered).packets >= 10, 'its traffic is reported as an unregistered device of the subnet');

    assert.equal(await serve.stop('SIGTERM'), 0, serve.out);
    assert.match(serve.out, /stopped/);
  });
});
