// IPv6 pieces of the e2e labs: the lab namespaces start with IPv6 off (no stray ND/MLD traffic), so a
// test turns it on only where it needs it; tshark counts for an IPv6 address.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { NetnsLab } from './netns.js';

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
