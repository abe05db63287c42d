// Each scenario produces the traffic it says, from the device named in stats.actors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketView } from '../../src/core/packet-view.js';
import { formatIPv4 } from '../../src/core/ip.js';
import { IpProto, LinkType } from '../../src/core/layers.js';
import { decodeFrame } from '../../src/packet/decode.js';
import { BLOCKLISTED_DOMAINS, simulate, type ScenarioName, type SimStats } from '../../src/sim/index.js';

interface Pkt {
  src: string;
  dst: string;
  proto: number;
  sport: number;
  dport: number;
  flags: number;
  payload: Uint8Array;
}

function run(scenario: ScenarioName, durationSec = 60): { stats: SimStats; pkts: Pkt[] } {
  const p = new PacketView();
  const pkts: Pkt[] = [];
  const stats = simulate({ devices: 20, durationSec, seed: 5, scenarios: [scenario] }, (buf, off, len, ts) => {
    decodeFrame(p, buf, off, len, len, ts, LinkType.ETHERNET);
    pkts.push({
      src: formatIPv4(buf, p.srcAddrOff),
      dst: formatIPv4(buf, p.dstAddrOff),
      proto: p.ipProto,
      sport: p.srcPort,
      dport: p.dstPort,
      flags: p.tcpFlags,
      payload: buf.slice(p.payloadOff, p.payloadOff + p.payloadLen),
    });
  });
  return { stats, pkts };
}

const SYN = 0x02;
const actorIp = (s: SimStats, name: ScenarioName) => s.actors.find((a) => a.scenario === name)!.ip;

test('scanner: SYNs to telnet 23/2323 across more than 100 addresses, mostly unanswered', () => {
  const { stats, pkts } = run('scanner');
  const ip = actorIp(stats, 'scanner');
  const syns = pkts.filter((x) => x.src === ip && x.proto === IpProto.TCP && x.flags === SYN && (x.dport === 23 || x.dport === 2323));
  const targets = new Set(syns.map((x) => x.dst));
  assert.ok(targets.size > 100, `${targets.size} targets`);
  assert.ok(syns.some((x) => x.dport === 2323));
  const answers = pkts.filter((x) => x.dst === ip && (x.sport === 23 || x.sport === 2323));
  assert.ok(answers.length > 0 && answers.length < syns.length / 2, `${answers.length} answers to ${syns.length} SYNs`);
});

test('synflood: one device, one host:port, hundreds of SYNs per second', () => {
  const { stats, pkts } = run('synflood');
  const a = stats.actors[0];
  assert.equal(a.target, '203.0.113.80:80');
  const syns = pkts.filter((x) => x.src === a.ip && x.flags === SYN && x.dst === '203.0.113.80' && x.dport === 80);
  assert.ok(syns.length > 5000, `${syns.length} SYNs`);
  assert.ok(new Set(syns.map((x) => x.sport)).size > 1000, 'random source ports');
  const completed = pkts.filter((x) => x.src === a.ip && x.dst === '203.0.113.80' && x.flags === 0x10).length;
  assert.equal(completed, 0, 'no handshake is completed');
});

test('dns-blocklisted: the device resolves names from the embedded list', () => {
  const { stats, pkts } = run('dns-blocklisted', 120);
  const ip = actorIp(stats, 'dns-blocklisted');
  const asked = new Set<string>();
  for (const x of pkts) {
    if (x.src !== ip || x.dport !== 53) continue;
    const text = new TextDecoder('latin1').decode(x.payload);
    for (const d of BLOCKLISTED_DOMAINS) if (text.includes(d.split('.')[0]) && text.includes(d.split('.')[1])) asked.add(d);
  }
  assert.ok(asked.size >= 4, `asked ${[...asked]}`);
  // and connects to what resolved (TEST-NET-1)
  assert.ok(pkts.some((x) => x.src === ip && x.dst.startsWith('192.0.2.') && x.dport === 443 && x.flags === SYN));
  // nobody else asks for them
  assert.ok(!pkts.some((x) => x.src !== ip && x.dport === 53 && new TextDecoder('latin1').decode(x.payload).includes('botnet')));
});

test('exfil: the device uploads far more to one host than any device does elsewhere', () => {
  const { stats, pkts } = run('exfil', 120);
  const a = stats.actors[0];
  assert.equal(a.target, 'files.exfil-drop.example');
  const up = new Map<string, number>();
  for (const x of pkts) if (x.src.startsWith('10.128.')) up.set(`${x.src}>${x.dst}`, (up.get(`${x.src}>${x.dst}`) ?? 0) + x.payload.length);
  const exfil = up.get(`${a.ip}>203.0.113.200`) ?? 0;
  const others = [...up.entries()].filter(([k]) => !k.endsWith('>203.0.113.200')).map(([, v]) => v);
  assert.ok(exfil > 3_000_000, `${exfil} bytes uploaded`);
  assert.ok(exfil > 5 * Math.max(...others), `exfil ${exfil} vs max other ${Math.max(...others)}`);
});
