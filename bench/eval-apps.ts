// npm run eval:apps — application identification against nDPI's expected results.
// For every pcap in ../shared/corpus/ndpi, each flow nDPI names with one of the protocols issue #3
// lists is compared with fleetgate's answer (matched by L4 + endpoints): agree, unknown, or other.
// Then the simulator's capture, where the truth is known from the servers' ports: must be 100%.
import { readdirSync, existsSync, rmSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { parseNdpiOut, flowKey } from './ndpi-out.js';
import { classifyCapture, type ClassifiedFlow } from './classified-flows.js';
import { simulate } from '../src/sim/index.js';
import { PcapWriter } from '../src/io/pcap-writer.js';

/** nDPI master names of the protocols issue #3 lists → fleetgate's protocol names. */
const LISTED: Record<string, string> = {
  DNS: 'DNS', HTTP: 'HTTP', TLS: 'TLS', QUIC: 'QUIC', MQTT: 'MQTT', COAP: 'COAP', NTP: 'NTP', SSH: 'SSH',
  Telnet: 'Telnet', DHCP: 'DHCP', SNMP: 'SNMP', Modbus: 'Modbus', BACnet: 'BACnet', STUN: 'STUN', AMQP: 'AMQP',
  RTSP: 'RTSP', SIP: 'SIP', DoH_DoT: 'DoH_DoT', ICMP: 'ICMP', ICMPV6: 'ICMPV6',
};

/**
 * fleetgate's answer in nDPI's vocabulary: the protocol part of the label `fleetgate flows` prints
 * (a DPI result, or the well-known port when DPI found nothing - nDPI likewise prints its "Match by
 * port" guesses as the flow's protocol). DNS over TLS (the `dot` application) is nDPI's DoH_DoT.
 */
export function ourMaster(f: ClassifiedFlow): string | null {
  const base = f.proto ?? f.label.split('.')[0];
  if (base === 'Unknown' || base === '') return null;
  if (/\.(dot|doq)$/.test(f.label)) return 'DoH_DoT';
  return base;
}

const corpus = resolve(process.argv[2] ?? '../shared/corpus/ndpi');
interface Row { ndpi: number; agree: number; unknown: number; other: number }
const rows = new Map<string, Row>();
const others: string[] = [];
const unknowns: string[] = [];
let falsePositives = 0;
const fpKinds = new Map<string, number>();
let ourNamed = 0;

if (!existsSync(corpus)) {
  console.log(`(nDPI corpus absent at ${corpus}: skipping the corpus comparison)`);
} else {
  for (const file of readdirSync(join(corpus, 'pcap')).sort()) {
    const outPath = join(corpus, 'result', `${file}.out`);
    if (!existsSync(outPath)) continue;
    const ours = new Map<string, ClassifiedFlow>();
    for (const f of await classifyCapture(join(corpus, 'pcap', file))) ours.set(flowKey(f.l4, f.a, f.aPort, f.b, f.bPort), f);
    for (const e of parseNdpiOut(outPath)) {
      const l4 = e.l4 === 'ICMP6' ? 'ICMPV6' : e.l4;
      const f = ours.get(flowKey(l4, e.a, e.aPort, e.b, e.bPort));
      if (!f) continue; // flow sets are compared by eval:flows
      const mine = ourMaster(f);
      const listed = LISTED[e.master];
      if (mine && Object.values(LISTED).includes(mine)) {
        ourNamed++;
        if (e.master !== 'Unknown' && mine !== listed) {
          falsePositives++;
          const k = `nDPI ${e.master} / fleetgate ${mine} (${f.method})`;
          fpKinds.set(k, (fpKinds.get(k) ?? 0) + 1);
        }
      }
      if (!listed) continue;
      const r = rows.get(listed) ?? { ndpi: 0, agree: 0, unknown: 0, other: 0 };
      rows.set(listed, r);
      r.ndpi++;
      if (mine === listed) r.agree++;
      else if (mine === null) {
        r.unknown++;
        if (process.env.EVAL_VERBOSE) unknowns.push(`${file}: ${e.l4} ${e.a}:${e.aPort} ${e.b}:${e.bPort} nDPI ${e.master} / fleetgate ${f.label}`);
      }
      else {
        r.other++;
        if (others.length < 30) others.push(`${file}: ${e.l4} ${e.a}:${e.aPort} ${e.b}:${e.bPort} nDPI ${e.master} / fleetgate ${f.label}`);
      }
    }
  }
  const tot = { ndpi: 0, agree: 0, unknown: 0, other: 0 };
  console.log('protocol      nDPI flows   agree   unknown   other   agreement');
  for (const [name, r] of [...rows.entries()].sort()) {
    tot.ndpi += r.ndpi; tot.agree += r.agree; tot.unknown += r.unknown; tot.other += r.other;
    console.log(`${name.padEnd(12)} ${String(r.ndpi).padStart(10)} ${String(r.agree).padStart(7)} ${String(r.unknown).padStart(9)} ${String(r.other).padStart(7)}   ${pct(r.agree, r.ndpi)}`);
  }
  console.log(`${'all'.padEnd(12)} ${String(tot.ndpi).padStart(10)} ${String(tot.agree).padStart(7)} ${String(tot.unknown).padStart(9)} ${String(tot.other).padStart(7)}   ${pct(tot.agree, tot.ndpi)}`);
  if (unknowns.length) console.log('\nunknown to fleetgate:\n  ' + unknowns.join('\n  '));
  if (others.length) console.log('\nnamed differently:\n  ' + others.join('\n  '));
  const agreement = tot.agree / Math.max(1, tot.ndpi);
  const differently = tot.other / Math.max(1, tot.ndpi);
  console.log(`\nagreement ${pct(tot.agree, tot.ndpi)} (target >= 97%): ${agreement >= 0.97 ? 'MET' : 'NOT MET'}`);
  console.log(`named differently ${pct(tot.other, tot.ndpi)} of nDPI's flows (target <= 1%): ${differently <= 0.01 ? 'MET' : 'NOT MET'}`);
  console.log(`flows fleetgate gives a listed protocol that nDPI names otherwise: ${falsePositives} of ${ourNamed}`);
  for (const [k, n] of [...fpKinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${String(n).padStart(4)}  ${k}`);
}

// The simulator: truth from the server port of each flow.
const TRUTH: Record<number, string> = { 53: 'DNS', 1883: 'MQTT', 443: 'TLS', 80: 'HTTP', 123: 'NTP' };
const dir = mkdtempSync(join(tmpdir(), 'fleetgate-eval-'));
const pcap = join(dir, 'sim.pcap');
const w = PcapWriter.open(pcap);
simulate({ devices: 50, durationSec: 600, seed: 42 }, (b, o, l, t) => w.write(b, o, l, t));
await w.close();
let simTotal = 0;
let simOk = 0;
const simBad: string[] = [];
for (const f of await classifyCapture(pcap)) {
  const truth = TRUTH[f.bPort] ?? TRUTH[f.aPort];
  if (!truth) continue;
  simTotal++;
  if (ourMaster(f) === truth) simOk++;
  else if (simBad.length < 10) simBad.push(`${f.l4} ${f.a}:${f.aPort} ${f.b}:${f.bPort} truth ${truth} / fleetgate ${f.label}`);
}
rmSync(dir, { recursive: true, force: true });
console.log(`\nsimulator capture (50 devices, 10 min): ${simOk}/${simTotal} flows named right (${pct(simOk, simTotal)}; target 100%): ${simOk === simTotal ? 'MET' : 'NOT MET'}`);
if (simBad.length) console.log('  ' + simBad.join('\n  '));

function pct(a: number, b: number): string {
  return `${((100 * a) / Math.max(1, b)).toFixed(2)}%`;
}
