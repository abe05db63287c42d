// Shared pieces of the e2e scenarios: real servers in the server namespace (HTTP via python3, MQTT via
// mosquitto), real clients in the device namespace (curl, ping, mosquitto_pub), tshark as the referee,
// and the fleetgate gateway as a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { existsSync } from 'node:fs';
import { needTool } from '../../_support/tools.js';
import { loadNative, nativeLoadError } from '../../../src/io/native/index.js';
import type { InspectionReportOut } from '../../../src/export/inspection/report-builder.js';
import { NetnsLab, type Background } from './netns.js';

export const SERVER_IP = '10.129.0.10';
export const DEVICE_IP = '10.128.0.2';
export const DEVICE_IMSI = '001010000000042';
export const HTTP_BODY = 'hello from the server namespace\n';

/** True when this machine can run the namespace e2e tests; otherwise skips (or fails under CI). */
export function canRunLab(t: TestContext): boolean {
  const miss = (why: string): false => {
    if (process.env.CI) assert.fail(`${why} (CI must run this test)`);
    t.skip(why);
    return false;
  };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return miss('needs root (network namespaces, TUN)');
  if (!existsSync('/dev/net/tun')) return miss('needs /dev/net/tun');
  if (!loadNative()) return miss(`native addon not built: ${nativeLoadError()}`);
  for (const tool of ['ip', 'ethtool', 'curl', 'ping', 'mosquitto', 'mosquitto_pub', 'tshark', 'python3']) if (!needTool(t, tool)) return false;
  return true;
}

export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** HTTP (port 8080) and MQTT (port 1883) servers in ns, listening on SERVER_IP. */
export async function startServers(lab: NetnsLab, ns: string, dir: string): Promise<void> {
  const www = join(dir, 'www');
  spawnSync('mkdir', ['-p', www]);
  writeFileSync(join(www, 'hello.txt'), HTTP_BODY);
  const http = lab.spawn(ns, ['python3', '-u', '-m', 'http.server', '8080', '--bind', SERVER_IP, '--directory', www]);
  // mosquitto 2 listens on localhost only without a config file
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener 1883 ${SERVER_IP}\nallow_anonymous true\npersistence false\n`);
  const mqtt = lab.spawn(ns, ['mosquitto', '-c', conf, '-v']);
  await http.waitFor(/Serving HTTP/, 'the HTTP server');
  await mqtt.waitFor(/running|Opening ipv4 listen socket/i, 'mosquitto');
}

/** tshark on iface in ns writing a pcap; resolves once it captures. */
export async function startCapture(lab: NetnsLab, ns: string, iface: string, pcap: string): Promise<Background> {
  const ts = lab.spawn(ns, ['tshark', '-i', iface, '-w', pcap, '-q']);
  await ts.waitFor(/Capturing on/, 'tshark');
  await settle(300); // 'Capturing on' can come a moment before dumpcap really sees packets
  return ts;
}

/**
 * The server half of every lab: gw ── veth ──► srv (10.129.0.1/24 on the gateway side, SERVER_IP with
 * a default route back), IPv4 forwarding on in gw. Returns the gateway-side interface.
 */
export function wireServer(lab: NetnsLab, gw: string, srv: string): string {
  const vgs = `vgs${lab.id}`;
  const vs = `vs${lab.id}`;
  lab.veth(gw, vgs, srv, vs);
  lab.exec(gw, `ip addr add 10.129.0.1/24 dev ${vgs}`);
  lab.exec(srv, `ip addr add ${SERVER_IP}/24 dev ${vs} && ip route add default via 10.129.0.1`);
  lab.exec(gw, 'sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0');
  return vgs;
}

/**
 * curl, ping and mosquitto_pub from the device while tshark captures on its iface, then the gateway
 * stops; its reports must count exactly the packets and IP bytes tshark saw, with one flow per client.
 */
export async function clientsMatchReports(t: TestContext, lab: NetnsLab, dev: string, iface: string, gateway: Background, reports: string, dir: string): Promise<ReturnType<typeof reportTotals>> {
  const pcap = join(dir, 'device.pcap');
  const tshark = await startCapture(lab, dev, iface, pcap);
  runClients(lab, dev);
  await settle(1000);
  await tshark.stop('SIGINT');
  assert.equal(await gateway.stop('SIGTERM'), 0, gateway.out);
  const ref = tsharkCounts(pcap, DEVICE_IP);
  const got = reportTotals(reports, DEVICE_IMSI);
  t.diagnostic(`tshark on ${iface}: ${ref.packets} packets, ${ref.bytes} IP bytes`);
  t.diagnostic(`fleetgate reports: ${got.packets} packets (${got.uplink} up, ${got.downlink} down), ${got.bytes} IP bytes`);
  t.diagnostic(gateway.out.split('\n').find((l) => l.includes('stopped')) ?? '');
  assert.ok(ref.packets >= 3 * 2 + 6, 'the clients made real traffic');
  assert.equal(got.packets, ref.packets, 'packets: reports vs tshark');
  assert.equal(got.bytes, ref.bytes, 'IP bytes: reports vs tshark');
  assert.ok(got.uplink > 0 && got.downlink > 0);
  const newFlows = got.reports.reduce((n, r) => n + r.payloads.flows.new, 0);
  assert.equal(newFlows, 3, 'one flow each for HTTP, ICMP and MQTT (both directions in the same flow)');
  const apps = new Set(got.reports.flatMap((r) => r.payloads.applications.map((a) => a.app.split('.')[0])));
  for (const app of ['HTTP', 'MQTT', 'ICMP']) assert.ok(apps.has(app), `application ${app} in ${[...apps].join(', ')}`);
  return got;
}

export interface ClientResults {
  http: string;
  ping: string;
  mqtt: number | null;
}

/** curl, ping -c 3 and mosquitto_pub from the device namespace; each must succeed. */
export function runClients(lab: NetnsLab, ns: string): ClientResults {
  const curl = lab.tryExec(ns, `curl -sS -m 10 http://${SERVER_IP}:8080/hello.txt`);
  assert.equal(curl.status, 0, `curl failed: ${curl.out}`);
  assert.equal(curl.out, HTTP_BODY);
  const ping = lab.tryExec(ns, `ping -c 3 -i 0.2 -W 2 ${SERVER_IP}`);
  assert.equal(ping.status, 0, `ping failed: ${ping.out}`);
  assert.match(ping.out, /3 packets transmitted, 3 received/);
  const pub = lab.tryExec(ns, `mosquitto_pub -h ${SERVER_IP} -p 1883 -i fg-e2e-device -t fleet/meter/1 -q 1 -m '{"kwh":42}'`);
  assert.equal(pub.status, 0, `mosquitto_pub failed: ${pub.out}`);
  return { http: curl.out, ping: ping.out, mqtt: pub.status };
}

/** Frames in a pcap that match a tshark display filter. */
export function tsharkCount(pcap: string, filter: string): number {
  const r = spawnSync('tshark', ['-r', pcap, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `tshark -r failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

/**
 * Asserts that an appliance's capture holds the device's HTTP exchange with the lab server (port 8080)
 * both ways: every packet crosses the appliance's VXLAN twice (in from the gateway, back out to it), so
 * a curl's handshake, request, answer and teardown give at least 8 frames each way.
 */
export function assertHttpThroughAppliance(t: TestContext, pcap: string, deviceIp: string): void {
  const up = tsharkCount(pcap, `ip.src == ${deviceIp} && tcp.dstport == 8080`);
  const down = tsharkCount(pcap, `ip.dst == ${deviceIp} && tcp.srcport == 8080`);
  t.diagnostic(`primary appliance saw the HTTP flow: ${up} uplink, ${down} downlink frames`);
  assert.ok(up >= 2 * 4 && down >= 2 * 4, `the HTTP exchange went through the primary (${up} up, ${down} down)`);
}

/** Packets and IP bytes (sum of ip.len) to or from addr in a pcap, as tshark counts them. */
export function tsharkCounts(pcap: string, addr: string): { packets: number; bytes: number } {
  const r = spawnSync('tshark', ['-r', pcap, '-Y', `ip.addr==${addr}`, '-T', 'fields', '-e', 'ip.len'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `tshark -r failed: ${r.stderr}`);
  const lens = r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => Number(l.split(',')[0]));
  return { packets: lens.length, bytes: lens.reduce((a, b) => a + b, 0) };
}

/** The device's totals over every report of the run. */
export function reportTotals(path: string, imsi: string): { packets: number; bytes: number; uplink: number; downlink: number; reports: InspectionReportOut[] } {
  const reports = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as InspectionReportOut)
    .filter((r) => r.imsi === imsi);
  let packets = 0;
  let bytes = 0;
  let uplink = 0;
  let downlink = 0;
  for (const r of reports) {
    const p = r.payloads;
    packets += p.uplink.packets + p.downlink.packets;
    bytes += p.uplink.bytes + p.downlink.bytes;
    uplink += p.uplink.packets;
    downlink += p.downlink.packets;
  }
  return { packets, bytes, uplink, downlink, reports };
}

/** More of the fleet config than the ports: lines under `gateway:` (indented 2), the device entries, lines after them. */
export interface ConfigExtras {
  gatewayLines?: string[];
  /** `devices:` entries (default: the lab's device with its IMSI). */
  devices?: string[];
  tail?: string[];
}

/** The routed topology: the device namespace (DEVICE_IP on a veth, default route via the gateway), the
 *  gateway and the server namespaces (wireServer); fleetgate is not started. */
export interface RoutedLab {
  dev: string;
  gw: string;
  srv: string;
  /** The device's veth, its peer in the gateway, and the gateway's veth to the server. */
  vd: string;
  vg: string;
  vgs: string;
}

/**
 * How a routed test starts: its lab, a temp dir, the routed namespaces, and names unique to the lab for
 * the TUNs fleetgate opens (`tun` for one TUN both ways; `tunD` and `tunN` for a devices and a network
 * TUN) and for the server's veth (`vs`).
 */
export function routedLab(t: TestContext): { lab: NetnsLab; dir: string; r: RoutedLab; tun: string; tunD: string; tunN: string; vs: string } {
  const lab = new NetnsLab(t);
  const dir = tempDir(t);
  const r = buildRouted(lab);
  return { lab, dir, r, tun: `fgt${lab.id}`, tunD: `fgd${lab.id}`, tunN: `fgn${lab.id}`, vs: `vs${lab.id}` };
}

export function buildRouted(lab: NetnsLab): RoutedLab {
  const dev = lab.netns('d');
  const gw = lab.netns('g');
  const srv = lab.netns('s');
  const vd = `vd${lab.id}`;
  const vg = `vg${lab.id}`;
  lab.veth(dev, vd, gw, vg);
  lab.exec(dev, `ip addr add ${DEVICE_IP}/24 dev ${vd} && ip route add default via 10.128.0.1`);
  lab.exec(gw, `ip addr add 10.128.0.1/24 dev ${vg}`);
  const vgs = wireServer(lab, gw, srv);
  return { dev, gw, srv, vd, vg, vgs };
}

/**
 * Policy routing in the gateway namespace for routed mode: what arrives from the device goes into
 * `devicesTun`, what arrives from the server into `networkTun` (the same TUN when there is one); what
 * fleetgate writes into a TUN is then routed by the main table to its destination.
 */
export function routeThroughTuns(lab: NetnsLab, r: RoutedLab, devicesTun: string, networkTun: string = devicesTun): void {
  const tuns = devicesTun === networkTun ? [devicesTun] : [devicesTun, networkTun];
  lab.exec(r.gw, [
    `sysctl -qw ${[...tuns, r.vg, r.vgs].map((i) => `net.ipv4.conf.${i}.rp_filter=0`).join(' ')}`,
    `ip route add default dev ${devicesTun} table 100`,
    ...(networkTun !== devicesTun ? [`ip route add default dev ${networkTun} table 101`] : []),
    `ip rule add iif ${r.vg} lookup 100`,
    `ip rule add iif ${r.vgs} lookup ${networkTun !== devicesTun ? 101 : 100}`,
  ].join(' && '));
}

/** YAML text indented under a key (4 spaces: a section of `gateway:`). */
export function indent4(yamlText: string): string[] {
  return yamlText.split('\n').map((l) => `    ${l}`);
}

/** The test fleet's first lines: operator, gateway (device subnets, default 10.128.0.0/24; 60 s interval) and its `ports:` section. */
export function fleetHead(portsYaml: string, deviceSubnets = '[10.128.0.0/24]'): string[] {
  return [
    'operator: { id: op-e2e }',
    'gateway:',
    '  id: gw-e2e',
    `  deviceSubnets: ${deviceSubnets}`,
    '  inspection: { intervalSeconds: 60 }',
    '  ports:',
    ...indent4(portsYaml),
  ];
}

/** Writes the fleet config (device with IMSI) plus the given ports section; returns its path. */
export function writeConfig(dir: string, portsYaml: string, more: ConfigExtras = {}): string {
  const path = join(dir, 'fleet.yaml');
  writeFileSync(
    path,
    [
      ...fleetHead(portsYaml),
      ...(more.gatewayLines ?? []),
      'devices:',
      ...(more.devices ?? [`  - { imsi: "${DEVICE_IMSI}", ip: ${DEVICE_IP}, name: meter-e2e }`]),
      ...(more.tail ?? []),
      '',
    ].join('\n'),
  );
  return path;
}

/** Starts the gateway (compiled CLI command) in ns and waits for 'ready'. */
export async function startGateway(lab: NetnsLab, ns: string, config: string, reports: string, extraArgs: string[] = []): Promise<Background> {
  const script = resolve(process.cwd(), 'dist/test/e2e/_support/run-gateway.js');
  const gw = lab.spawn(ns, [process.execPath, script, '--config', config, '--out', reports, ...extraArgs]);
  await gw.waitFor(/fleetgate gateway: ready/, 'the gateway');
  return gw;
}

export const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
