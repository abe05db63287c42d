// The VPG topology of vpg-vxlan.test.ts as a reusable builder, plus what the Junction e2e tests need:
// extra namespaces wired to the gateway (mirror peers, appliances), a fleet config with a
// gateway.junction section, classic-pcap captures and a reader for their frames.
//
//   [dev]  10.128.0.2/24 on a Linux vxlan (VNI 42) ── veth 198.18.1.2 ──► [gw] fleetgate VXLAN port
//   [gw]   inner packets to its TUN; the kernel routes them over a veth to
//   [srv]  10.129.0.10 (http.server :8080, mosquitto :1883)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { NetnsLab, type Background } from './netns.js';
import { DEVICE_IMSI, DEVICE_IP, indent4, settle, startGateway, startServers, tempDir, wireServer, writeConfig } from './lab-traffic.js';

export interface VpgLab {
  dev: string;
  gw: string;
  srv: string;
  /** The device's vxlan interface (in dev) and the gateway's network TUN name. */
  devVxlan: string;
  tun: string;
  /** The device port's YAML (`devices: ...` and `network: ...` lines). */
  portsYaml: string;
}

/** The device's tunnel: a Linux VXLAN interface (VNI 42), or GENEVE / GTP-U from a user-space endpoint (tunnel-ue.ts). */
export type DeviceTunnel = 'vxlan' | 'geneve' | 'gtpu';

/**
 * Namespaces, veths, addresses and the device's tunnel of the VPG topology (the gateway is not started).
 * For 'geneve' and 'gtpu' (no kernel module in the lab) the device's interface (devVxlan) is the TUN or
 * TAP that startTunnelUe() creates later.
 */
export function buildVpg(lab: NetnsLab, tunnel: DeviceTunnel = 'vxlan'): VpgLab {
  const dev = lab.netns('d');
  const gw = lab.netns('g');
  const srv = lab.netns('s');
  const vd = `vd${lab.id}`;
  const vg = `vg${lab.id}`;
  const tun = `fgn${lab.id}`;
  const vx = `vx${lab.id}`;
  lab.veth(dev, vd, gw, vg);
  lab.exec(dev, `ip addr add 198.18.1.2/30 dev ${vd}`);
  lab.exec(gw, `ip addr add 198.18.1.1/30 dev ${vg}`);
  wireServer(lab, gw, srv);
  if (tunnel === 'vxlan') {
    lab.exec(dev, `ip link add ${vx} type vxlan id 42 remote 198.18.1.1 local 198.18.1.2 dstport 4789 dev ${vd}`);
    lab.exec(dev, `ip addr add ${DEVICE_IP}/24 dev ${vx} && ip link set ${vx} up && ip route add 10.129.0.0/24 via 10.128.0.1 dev ${vx}`);
    // software checksums: over veth the inner TCP/UDP checksums would otherwise stay unfilled
    lab.exec(dev, `ethtool -K ${vx} tx off >/dev/null`);
  }
  lab.exec(dev, `ethtool -K ${vd} tx off >/dev/null`);
  const portsYaml = [`devices: { kind: ${tunnel}, address: 198.18.1.1 }`, `network: { kind: tun, name: ${tun} }`].join('\n');
  return { dev, gw, srv, devVxlan: vx, tun, portsYaml };
}

/** After the gateway is ready: route the device subnet into its TUN. */
export function routeDevicesIntoTun(lab: NetnsLab, v: VpgLab): void {
  lab.exec(v.gw, `sysctl -qw net.ipv4.conf.${v.tun}.rp_filter=0 && ip route add 10.128.0.0/24 dev ${v.tun}`);
}

/**
 * A namespace `fg<role><id>` linked to the gateway by a veth: gateway side gwAddr/30, far side farAddr/30.
 * Returns the namespace and the far interface's name.
 */
export function attachToGateway(lab: NetnsLab, v: Pick<VpgLab, 'gw'>, role: string, gwAddr: string, farAddr: string): { ns: string; iface: string } {
  const ns = lab.netns(role);
  const a = `g${role}${lab.id}`;
  const b = `f${role}${lab.id}`;
  lab.veth(v.gw, a, ns, b);
  lab.exec(v.gw, `ip addr add ${gwAddr}/30 dev ${a}`);
  lab.exec(ns, `ip addr add ${farAddr}/30 dev ${b} && ethtool -K ${b} tx off >/dev/null`);
  return { ns, iface: b };
}

/**
 * A redirection appliance namespace (1 = primary 192.0.2.2, 2 = standby 192.0.2.6): a Linux VXLAN
 * interface (VNI 10, UDP 4790) toward the gateway, address 10.200.0.<n>, routing every packet back
 * through it (default via the gateway's tunnel address 10.200.0.254).
 */
export function appliance(lab: NetnsLab, v: Pick<VpgLab, 'gw'>, n: 1 | 2): { ns: string; vx: string } {
  const gwAddr = n === 1 ? '192.0.2.1' : '192.0.2.5';
  const far = n === 1 ? '192.0.2.2' : '192.0.2.6';
  const { ns, iface } = attachToGateway(lab, v, `a${n}`, gwAddr, far);
  const vx = `xa${n}${lab.id}`;
  lab.exec(ns, `ip link add ${vx} type vxlan id 10 remote ${gwAddr} local ${far} dstport 4790 dev ${iface}`);
  lab.exec(ns, `ip link set ${vx} address 02:00:00:00:aa:0${n} && ip addr add 10.200.0.${n}/24 dev ${vx} && ip link set ${vx} up`);
  lab.exec(ns, `ethtool -K ${vx} tx off >/dev/null`);
  lab.exec(ns, 'sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0 net.ipv4.conf.all.rp_filter=0');
  lab.exec(ns, `sysctl -qw net.ipv4.conf.${vx}.send_redirects=0 net.ipv4.conf.${vx}.rp_filter=0`);
  lab.exec(ns, `ip route add default via 10.200.0.254 dev ${vx}`);
  return { ns, vx };
}

/** A redirection peer as the gateway's stop summary prints it. */
export interface RedirectPeerSummary {
  role: string;
  state: string;
  healthy: boolean;
  packets: number;
  returned: number;
  switches: number;
  repinned: number;
}

/**
 * gateway.junction for the redirection lab's two appliances (primary 192.0.2.2, standby 192.0.2.6, VXLAN
 * VNI 10 on port 4790, default probes 500 ms × 3); `extra` lines are added under `redirection:`.
 */
export function twoApplianceRedirection(...extra: string[]): string {
  return [
    'redirection:',
    '  localAddress: 10.200.0.254',
    '  localPort: 4790',
    ...extra.map((l) => `  ${l}`),
    '  primary: { address: 192.0.2.2, protocol: vxlan, vni: 10, port: 4790, innerAddress: 10.200.0.1, innerMac: "02:00:00:00:aa:01" }',
    '  standby: { address: 192.0.2.6, protocol: vxlan, vni: 10, port: 4790, innerAddress: 10.200.0.2, innerMac: "02:00:00:00:aa:02" }',
    '  probe: { intervalMs: 500, threshold: 3 }',
  ].join('\n');
}

export interface RedirectLabOptions {
  /** More `fleetgate gateway` arguments (e.g. --workers 2). */
  gatewayArgs?: string[];
  /** More addresses for the server namespace (on its veth). */
  serverAddresses?: string[];
}

export interface RedirectLab {
  lab: NetnsLab;
  dir: string;
  /** The config file fleetgate runs on. */
  config: string;
  v: VpgLab;
  ap1: { ns: string; vx: string };
  ap2: { ns: string; vx: string };
  gateway: Background;
}

/**
 * The redirection tests' lab: the VPG topology, two kernel appliances (primary 192.0.2.2, standby
 * 192.0.2.6), the servers, and fleetgate running with `junctionYaml`; device traffic routed into the
 * TUN and a first probe round trip on both peers done.
 */
export async function startRedirectLab(t: TestContext, junctionYaml: string, opts: RedirectLabOptions = {}): Promise<RedirectLab> {
  const lab = new NetnsLab(t);
  const dir = tempDir(t);
  const v = buildVpg(lab);
  const ap1 = appliance(lab, v, 1);
  const ap2 = appliance(lab, v, 2);
  await startServers(lab, v.srv, dir);
  if (opts.serverAddresses?.length) lab.exec(v.srv, opts.serverAddresses.map((a) => `ip addr add ${a}/24 dev vs${lab.id}`).join(' && '));
  const config = writeJunctionConfig(dir, v.portsYaml, junctionYaml);
  const gateway = await startGateway(lab, v.gw, config, join(dir, 'reports.jsonl'), opts.gatewayArgs);
  routeDevicesIntoTun(lab, v);
  await settle(700);
  return { lab, dir, config, v, ap1, ap2, gateway };
}

/** The fleet config with gateway.ports and gateway.junction (YAML lines, unindented). */
export function writeJunctionConfig(dir: string, portsYaml: string, junctionYaml: string): string {
  return writeConfig(dir, portsYaml, {
    gatewayLines: ['  junction:', ...indent4(junctionYaml)],
    devices: [`  - { imsi: "${DEVICE_IMSI}", ip: ${DEVICE_IP}, name: meter-e2e, group: meters }`],
    tail: ['groups:', '  - { name: meters }'],
  });
}

/** tshark writing a classic pcap (not pcapng) on iface in ns, with an optional capture filter. */
export async function startPcap(lab: NetnsLab, ns: string, iface: string, pcap: string, filter?: string): Promise<Background> {
  const argv = ['tshark', '-i', iface, '-F', 'pcap', '-w', pcap, '-q'];
  if (filter) argv.push('-f', filter);
  const ts = lab.spawn(ns, argv);
  await ts.waitFor(/Capturing on/, 'tshark');
  await settle(300);
  return ts;
}

/** Frames of a classic pcap file (little- or big-endian, micro- or nanosecond), in order. */
export function readPcapFrames(path: string): Buffer[] {
  const b = readFileSync(path);
  if (b.length < 24) return [];
  const magic = b.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && b.readUInt32BE(0) !== 0xa1b2c3d4 && b.readUInt32BE(0) !== 0xa1b23c4d) throw new Error(`${path}: not a classic pcap`);
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const out: Buffer[] = [];
  let o = 24;
  while (o + 16 <= b.length) {
    const incl = u32(o + 8);
    if (o + 16 + incl > b.length) break;
    out.push(b.subarray(o + 16, o + 16 + incl));
    o += 16 + incl;
  }
  return out;
}

/** The JSON object printed on the gateway's 'stopped' line. */
export function stoppedSummary(out: string): Record<string, unknown> {
  const line = out.split('\n').find((l) => l.includes('fleetgate gateway: stopped '));
  if (!line) throw new Error(`no 'stopped' line in: ${out}`);
  return JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>;
}
