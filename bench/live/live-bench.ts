// npm run bench:live - the live gateway's forwarding rate against a C relay and a plain Node relay.
//
// A C sender (udp-blast, sendmmsg) pushes VXLAN datagrams whose inner frame is a real Ethernet/IPv4/UDP
// frame from a fleet device (64 flows) through each relay on loopback; a C counter (recvmmsg) counts
// what comes out by sequence number. Relays:
//   c         udp-relay.c: recvmmsg/sendmmsg, batches of 256 (the ceiling)
//   node      node-relay.ts: plain `dgram`, one send per message
//   fleetgate fleetgate-relay.ts: VXLAN bump in the wire over the native batched port, Inspection on
//             (Pipeline + DPI over the simulated fleet), one VXLAN mirror peer (copies to a C sink), once
//             per mirror setting: by default the peer as docs/mirroring.md advises for a peer that reads a
//             UDP socket, as this sink does (`segmentation: true`), then as declared by default
//             (`segmentation: auto`, which is off on loopback: one datagram per copy)
// For each inner frame size and relay: the highest offered rate with < 0.1% loss (one flat-out probe,
// then a few paced steps; best of two rounds in alternating order), then the ratios against the targets,
// judged on the first fleetgate setting. Total runtime is bounded (~4 min).
// options: --sizes 64,512,1400  --step-ms 1200  --steps 4  --rounds 2 (best of)  --budget-s 260
//          --mirror gso,gateway (the fleetgate rows, each a mirror peer transport: gso = the native
//          backend with UDP GSO (the peer's `segmentation: true`), gateway = the gateway's own default
//          (the native sendmmsg backend when the addon loads; segmentation auto: off on loopback, one
//          datagram per copy), dgram = the dgram
//          fallback forced, off = no mirror peer)
//          --pin (relays on the last CPU, sender/counter/sink on the others; needs taskset)  -v (every step)
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FLOWS, MIN_FRAME, SEQ_OFFSET, SPORT_OFFSET, vxlanTemplate } from './bench-traffic.js';
import { buildNativeTools, runStep, writeTemplate } from './native-tools.js';
import { startReady, type Running } from './processes.js';
import { searchRate, type SearchResult, type TrialResult } from './rate-search.js';

type MirrorMode = 'gso' | 'gateway' | 'dgram' | 'off';
const MIRROR_MODES: readonly MirrorMode[] = ['gso', 'gateway', 'dgram', 'off'];
const MIRROR_LABEL: Record<MirrorMode, string> = {
  gso: 'mirror segmentation: true',
  gateway: 'mirror segmentation: auto = off here',
  dgram: 'mirror over dgram',
  off: 'no mirror',
};
/** 'c', 'node', or 'fleetgate-<mirror mode>'. */
type RelayName = string;
const BASE_PORT = 47_810;
const COUNT_PORT = BASE_PORT;
const MIRROR_PORT = BASE_PORT + 1;
const MAX_LOSS_PCT = 0.1;
const TARGET_VS_C = 0.7;
const TARGET_VS_NODE = 2;

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');

/** The figure of a search: its best passing step's offered rate (never above what was asked). */
function rateOf(r: SearchResult | undefined): number {
  const b = r?.best;
  return b ? Math.min(b.offered, b.requested || b.offered) : 0;
}

function stepLine(r: TrialResult): string {
  const req = r.requested === 0 ? 'flat out' : `${fmt(r.requested)}/s`;
  return `${req} -> offered ${fmt(r.offered)}/s, loss ${r.lossPct.toFixed(3)}%, delivered ${fmt(r.delivered)}/s`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '64,512,1400' },
      'step-ms': { type: 'string', default: '1200' },
      steps: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '2' },
      mirror: { type: 'string', default: 'gso,gateway' },
      'budget-s': { type: 'string', default: '260' },
      pin: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  for (const s of sizes) if (!(s >= MIN_FRAME && s <= 9000)) throw new Error(`--sizes: ${s} is not an inner frame length in [${MIN_FRAME}, 9000]`);
  const stepMs = Number(values['step-ms']);
  const maxSteps = Number(values.steps);
  const nRounds = Math.max(1, Number(values.rounds));
  const mirrors = values.mirror.split(',').map((m) => {
    if (!(MIRROR_MODES as readonly string[]).includes(m)) throw new Error(`--mirror: ${m} is not one of ${MIRROR_MODES.join(', ')}`);
    return m as MirrorMode;
  });
  if (mirrors.length === 0 || new Set(mirrors).size !== mirrors.length) throw new Error('--mirror: one or more distinct settings');
  const fgNames = mirrors.map((m) => `fleetgate-${m}`);
  const relays: readonly RelayName[] = ['c', 'node', ...fgNames];
  const label = (r: RelayName): string =>
    r === 'c' ? 'C relay (recvmmsg/sendmmsg)' : r === 'node' ? 'Node relay (dgram)' : `fleetgate (inspection, ${MIRROR_LABEL[r.slice('fleetgate-'.length) as MirrorMode]})`;
  const relayPort = (r: RelayName): number => BASE_PORT + 2 + relays.indexOf(r);
  const deadline = Date.now() + Number(values['budget-s']) * 1000;
  const ncpu = cpus().length;
  const pin = values.pin === true && ncpu >= 2;
  // [cmd, args] run through taskset when pinning: relays on the last CPU, the load tools on the others
  const onCpus = (relay: boolean, cmd: string, args: string[]): [string, string[]] =>
    pin ? ['taskset', ['-c', relay ? String(ncpu - 1) : `0-${ncpu - 2}`, cmd, ...args]] : [cmd, args];

  console.log(`live benchmark: loopback, ${ncpu} CPUs${pin ? ` (relays pinned to CPU ${ncpu - 1})` : ''}, load average ${load()} (other work on the machine skews every figure)`);
  console.log(`VXLAN datagrams = 8-byte VXLAN header + inner Ethernet/IPv4/UDP frame of the given size, ${FLOWS} flows of one fleet device;`);
  console.log(`rate = highest offered rate with < ${MAX_LOSS_PCT}% loss (flat-out probe, then up to ${maxSteps} steps of ${stepMs} ms; best of ${nRounds} rounds)`);
  console.log(`the mirror sink reads a UDP socket; targets are judged on the first fleetgate row (${label(fgNames[0])})`);
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-bench-live-'));
  const procs: Running[] = [];
  const results = new Map<string, SearchResult>();
  try {
    const tools = await buildNativeTools(dir);
    const sink = await startReady('mirror sink', ...onCpus(false, tools.blast, ['sink', String(MIRROR_PORT)]));
    procs.push(sink);
    const started = async (r: Promise<Running>): Promise<Running> => {
      const p = await r;
      procs.push(p);
      return p;
    };
    await started(startReady('C relay', ...onCpus(true, tools.relay, [String(relayPort('c')), '127.0.0.1', String(COUNT_PORT), '127.0.0.1'])));
    await started(startReady('Node relay', ...onCpus(true, process.execPath, [here('node-relay.js'), String(relayPort('node')), String(COUNT_PORT)])));
    const fleetgates = new Map<RelayName, Running>();
    for (const [i, name] of fgNames.entries()) {
      const args = [here('fleetgate-relay.js'), String(relayPort(name)), String(COUNT_PORT), String(MIRROR_PORT), mirrors[i]];
      fleetgates.set(name, await started(startReady(label(name), ...onCpus(true, process.execPath, args))));
    }

    for (const size of sizes) {
      const template = writeTemplate(dir, size, vxlanTemplate(size));
      console.log(`\ninner frame ${size} B (datagram ${size + 8} B):`);
      const rounds = new Map<RelayName, number[]>(relays.map((r) => [r, []]));
      for (let round = 0; round < nRounds; round++) {
        // alternate the order so a burst of other work on the machine does not always hit the same relay
        for (const name of round % 2 === 0 ? relays : [...relays].reverse()) {
          const spec = {
            relayPort: relayPort(name),
            countPort: COUNT_PORT,
            template,
            size: size + 8,
            seqOffset: SEQ_OFFSET,
            varyOffset: SPORT_OFFSET,
            varyCount: FLOWS,
            stepMs,
            probeCount: 600_000,
          };
          const hasTime = (): boolean => Date.now() < deadline;
          if (round > 0 && !hasTime()) continue;
          const res = await searchRate((rate) => runStep(tools, spec, rate, pin ? onCpus : undefined), { maxLossPct: MAX_LOSS_PCT, maxSteps, hasTime });
          rounds.get(name)?.push(rateOf(res));
          const key = `${name}/${size}`;
          const prev = results.get(key);
          if (!prev || rateOf(res) > rateOf(prev)) results.set(key, res);
          if (values.verbose) for (const st of res.steps) console.log(`    round ${round + 1} ${label(name)}: ${stepLine(st)}`);
        }
      }
      for (const name of relays) {
        const res = results.get(`${name}/${size}`);
        const b = res?.best;
        const figure = b ? `${fmt(rateOf(res)).padStart(10)} pkt/s  loss ${b.lossPct.toFixed(3)}%` : `none under ${MAX_LOSS_PCT}% loss`;
        const each = (rounds.get(name) ?? []).map(fmt).join(' / ');
        console.log(`  ${label(name).padEnd(62)} ${figure}${res?.senderBound ? '  (sender-bound: kept up flat out)' : ''}  [best of rounds: ${each}]`);
      }
    }

    // fleetgate's own counters: inspection and mirroring really ran
    for (const [name, running] of fleetgates) console.log(`\n${label(name)}: ${countersLine(await running.stop(10_000))}`);
    const sinkOut = await sink.stop();
    console.log(`mirror ${sinkOut.trim()}`);
  } finally {
    await Promise.all(procs.map((p) => p.stop(2000)));
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(`\nratios (fleetgate / baseline), targets: >= ${TARGET_VS_C}x the C relay, >= ${TARGET_VS_NODE}x the Node relay:`);
  let allMet = true;
  for (const [i, name] of fgNames.entries()) {
    console.log(`  ${label(name)}${i === 0 ? ' (judged)' : ' (shown, not judged)'}:`);
    for (const size of sizes) {
      const fg = rateOf(results.get(`${name}/${size}`));
      const c = rateOf(results.get(`c/${size}`));
      const node = rateOf(results.get(`node/${size}`));
      const vsC = c > 0 ? fg / c : 0;
      const vsNode = node > 0 ? fg / node : 0;
      const metC = vsC >= TARGET_VS_C;
      const metNode = vsNode >= TARGET_VS_NODE;
      if (i === 0) allMet &&= metC && metNode;
      console.log(`    ${String(size).padStart(4)} B: vs C ${vsC.toFixed(2)}x ${metC ? 'MET' : 'NOT MET'}, vs Node ${vsNode.toFixed(2)}x ${metNode ? 'MET' : 'NOT MET'}`);
    }
  }
  console.log(`${allMet ? 'MET' : 'NOT MET'}: ${label(fgNames[0])} >= ${TARGET_VS_C}x C and >= ${TARGET_VS_NODE}x Node at < ${MAX_LOSS_PCT}% loss for every size; load average now ${load()}`);
  return 0;
}

/** One line from a fleetgate relay's counters (its last stdout line): Inspection and mirroring really ran. */
function countersLine(out: string): string {
  try {
    const s = JSON.parse(out.trim().split('\n').pop() ?? '{}');
    return (
      `${fmt(s.ipPackets)} packets inspected (${fmt(s.unattributedPackets)} without a device), ${s.flows} flows, ${s.reports} reports; ` +
      `returned ${fmt(s.forwarding.returned)}, port rx drops ${s.port.rxDrops}, tx drops ${s.port.txDrops}; ` +
      (s.mirror ? `mirror (${s.mirrorBackend} backend) copies sent ${fmt(s.mirror.sent)}, dropped ${fmt(s.mirror.dropped)} (queue full or no transport), errors ${s.mirror.errors}` : 'no mirror peer')
    );
  } catch {
    return `no counters (${out.trim()})`;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`bench:live: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
