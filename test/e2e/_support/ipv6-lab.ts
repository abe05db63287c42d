// IPv6 pieces of the e2e labs: the lab namespaces start with IPv6 off (no stray ND/MLD traffic), so a
// test turns it on only where it needs it; tshark counts for an IPv6 address.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetnsLab } from './netns.js';
import { HTTP_BODY, type RoutedLab } from './lab-traffic.js';

/** The device's and the server's IPv6 addresses in the IPv6 labs (device subnet fd00:66::/64). */
export const DEV6 = 'fd00:66::10';
export const SRV6 = 'fd00:77::10';

/** Packets and IP bytes (40 + payload length) to or from addr in a pcap, as tshark counts them. */
export function tsharkCounts6(pcap: string, addr: string, filter = ''): { packets: number; bytes: number } {
  const r = spawnSync('tshark', ['-r', pcap, '-Y', `ipv6.addr==${addr}${filter}`, '-T', 'fields', '-e', 'ipv6.plen'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `tshark -r failed: ${r.stderr}`);
  const lens = r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => 40 + Number(l.split(',')[0]));
  return { packets: lens.length, bytes: lens.reduce((a, b) => a + b, 0) };
}

/** IPv6 on the interfaces that need it (the lab namespaces start with it off), no DAD, no router solicitations. */
export function enableIpv6(lab: NetnsLab, ns: string, ifaces: string[]): void {
  const keys = ifaces.flatMap((i) => [`net.ipv6.conf.${i}.accept_dad=0`, `net.ipv6.conf.${i}.router_solicitations=0`, `net.ipv6.conf.${i}.disable_ipv6=0`]);
  lab.exec(ns, `sysctl -qw ${keys.join(' ')}`);
}

/**
 * IPv6 on the routed topology (buildRouted): the device DEV6 behind fd00:66::1, the server SRV6 (on its
 * veth `serverVeth`) behind fd00:77::1, the gateway namespace forwarding between them.
 */
export function addRoutedIpv6(lab: NetnsLab, r: RoutedLab, serverVeth: string): void {
  enableIpv6(lab, r.dev, ['lo', r.vd]);
  lab.exec(r.dev, `ip -6 addr add ${DEV6}/64 dev ${r.vd} nodad && ip -6 route add default via fd00:66::1`);
  enableIpv6(lab, r.gw, ['lo', r.vg, r.vgs]);
  lab.exec(r.gw, `sysctl -qw net.ipv6.conf.all.forwarding=1 && ip -6 addr add fd00:66::1/64 dev ${r.vg} nodad && ip -6 addr add fd00:77::1/64 dev ${r.vgs} nodad`);
  enableIpv6(lab, r.srv, ['lo', serverVeth]);
  lab.exec(r.srv, `ip -6 addr add ${SRV6}/64 dev ${serverVeth} nodad && ip -6 route add default via fd00:77::1`);
}

/** An HTTP server on [SRV6]:port in namespace ns, serving dir/www/hello.txt (HTTP_BODY); resolves once it listens. */
export async function startHttp6(lab: NetnsLab, ns: string, dir: string, port: number): Promise<void> {
  const www = join(dir, 'www');
  mkdirSync(www, { recursive: true });
  writeFileSync(join(www, 'hello.txt'), HTTP_BODY);
  const http = lab.spawn(ns, ['python3', '-u', '-m', 'http.server', String(port), '--bind', SRV6, '--directory', www]);
  await http.waitFor(/Serving HTTP/, `the IPv6 HTTP server on port ${port}`);
}
