// npm run bench — fleetgate replay against softflowd -r, ndpiReader -i and tshark -z conv,ip on the
// same simulated capture, in one run; then memory per active flow with 1 million flows.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { simulate, type SimOptions } from '../src/sim/index.js';
import { PcapWriter } from '../src/io/pcap-writer.js';
import { runTimed, runBest, hasCommand, warmPageCache } from './run-tool.js';
import { measureMemoryPerFlow } from './memory-per-flow.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const dir = resolve(arg('dir', join(tmpdir(), 'fleetgate-bench')));
const simOpts: SimOptions = {
  devices: Number(arg('devices', '4000')),
  durationSec: Number(arg('duration-sec', '600')),
  seed: 7,
  startTimeUs: Date.parse('2026-01-01T00:00:00Z') * 1000,
};
mkdirSync(dir, { recursive: true });
const pcap = join(dir, `fleet-${simOpts.devices}x${simOpts.durationSec}s.pcap`);

if (!existsSync(pcap)) {
  const t0 = Date.now();
  const w = PcapWriter.open(pcap, { linkType: 1 });
  const st = simulate(simOpts, (buf, off, len, ts) => w.write(buf, off, len, ts));
  await w.close();
  console.log(`simulated ${w.framesWritten} packets in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${pcap} ${JSON.stringify(st)}`);
}
const size = statSync(pcap).size;

// Count packets and flows once with fleetgate itself (its summary line) to compute rates for all tools.
const node = process.execPath;
const cli = resolve('dist/src/cli/main.js');
// The header path alone (decode, flows, Inspection; names by port) - issue #2's comparison - and the
// full replay with DPI on - issue #3's; each on one thread and on two worker threads (sharded by device).
const WORKERS = Number(arg('workers', '2'));
warmPageCache(pcap);
const fg = runBest(node, [cli, 'replay', pcap, '--out', '/dev/null', '--no-dpi'], 2, { ...process.env, FLEETGATE_PRINT_STATS: '1' });
if (!fg.ok) throw new Error(`fleetgate replay failed:\n${fg.stderr}`);
const stats = JSON.parse(/FLEETGATE_STATS (.*)/.exec(fg.stderr)![1]) as { frames: number; seconds: number };
const flows = Number(/flows (\d+)/.exec(fg.stderr)?.[1] ?? NaN);
const packets = stats.frames;
console.log(`capture: ${packets} packets, ${flows} flows, ${(size / 1e6).toFixed(0)} MB`);
if (packets < 2_000_000 || flows < 100_000) console.log('WARNING: below the 2M packets / 100k flows the benchmark asks for');

interface Row {
  tool: string;
  seconds: number;
  rssKb: number;
}
const rows: Row[] = [{ tool: 'fleetgate --no-dpi', seconds: fg.seconds, rssKb: fg.maxRssKb }];
const variants: [string, string[]][] = [
  [`fleetgate --no-dpi -w${WORKERS}`, ['--no-dpi', '--workers', String(WORKERS)]],
  ['fleetgate (DPI)', []],
  [`fleetgate (DPI) -w${WORKERS}`, ['--workers', String(WORKERS)]],
];
for (const [label, extra] of variants) {
  const r = runBest(node, [cli, 'replay', pcap, '--out', '/dev/null', ...extra]);
  if (!r.ok) throw new Error(`${label} failed:\n${r.stderr}`);
  rows.push({ tool: label, seconds: r.seconds, rssKb: r.maxRssKb });
}
// not a product mode: the packet core alone (decode + flow table), to show what Inspection costs around it
const core = runBest(node, [resolve('dist/bench/header-path-only.js'), pcap]);
if (!core.ok) throw new Error(`header path alone failed:\n${core.stderr}`);
rows.push({ tool: '(decode + flows only)', seconds: core.seconds, rssKb: core.maxRssKb });
// not a product mode either: the floor - read the file, count IPv4 5-tuples, nothing else (bench/minimal-count.ts)
const floor = runBest(node, [resolve('dist/bench/minimal-loop.js'), pcap]);
if (!floor.ok) throw new Error(`minimal loop failed:\n${floor.stderr}`);
rows.push({ tool: '(minimal loop)', seconds: floor.seconds, rssKb: floor.maxRssKb });
const peers: [string, string, string[]][] = [
  ['softflowd -r', 'softflowd', ['-r', pcap, '-n', '127.0.0.1:9', '-d']],
  ['ndpiReader -i', 'ndpiReader', ['-i', pcap, '-q', '-v', '0']],
  ['tshark -q -z conv,ip', 'tshark', ['-q', '-z', 'conv,ip', '-r', pcap]],
];
for (const [label, cmd, args] of peers) {
  if (!hasCommand(cmd)) {
    console.log(`${label}: not installed (apt-get install softflowd libndpi-bin tshark)`);
    continue;
  }
  // tshark takes ~35 s a run: once is enough to show where it stands
  const r = cmd === 'tshark' ? runTimed(cmd, args) : runBest(cmd, args);
  if (!r.ok) console.log(`${label}: exited non-zero\n${r.stderr.slice(-400)}`);
  rows.push({ tool: label, seconds: r.seconds, rssKb: r.maxRssKb });
}

console.log('\ntool (best of 2 runs; tshark 1)   seconds   packets/s   peak RSS');
for (const r of rows) {
  console.log(`${r.tool.padEnd(26)} ${r.seconds.toFixed(2).padStart(8)} ${Math.round(packets / r.seconds).toString().padStart(11)} ${(r.rssKb / 1024).toFixed(0).padStart(7)} MB`);
}
const best = (prefix: string) => Math.min(...rows.filter((r) => r.tool.startsWith(prefix)).map((r) => r.seconds));
const header = best('fleetgate --no-dpi');
const dpi = best('fleetgate (DPI)');
const soft = rows.find((r) => r.tool.startsWith('softflowd'));
const ndpi = rows.find((r) => r.tool.startsWith('ndpiReader'));
console.log('\nratios use the faster of 1 and ' + WORKERS + ' workers:');
if (soft) console.log(`target >= 3x softflowd (header path): ${(soft.seconds / header).toFixed(2)}x ${soft.seconds / header >= 3 ? 'MET' : 'NOT MET'}`);
if (ndpi) console.log(`target >= 10x ndpiReader (header path): ${(ndpi.seconds / header).toFixed(2)}x ${ndpi.seconds / header >= 10 ? 'MET' : 'NOT MET'}`);
if (ndpi) console.log(`target >= 3x ndpiReader (with DPI): ${(ndpi.seconds / dpi).toFixed(2)}x ${ndpi.seconds / dpi >= 3 ? 'MET' : 'NOT MET'}`);
if (soft) {
  const coreSec = rows.find((r) => r.tool === '(decode + flows only)')!.seconds;
  console.log(`(for comparison, not a target: decode + flow table alone, no Inspection: ${(soft.seconds / coreSec).toFixed(2)}x softflowd)`);
  const floorSec = rows.find((r) => r.tool === '(minimal loop)')!.seconds;
  console.log(`(the floor, not a target: reading the file and counting IPv4 5-tuples, nothing else: ${(soft.seconds / floorSec).toFixed(2)}x softflowd)`);
}

const mem = measureMemoryPerFlow(1_000_000, false);
console.log(`\nmemory per active flow with ${mem.created} concurrent flows: ${mem.bytesPerFlow.toFixed(0)} bytes (target <= 300) ${mem.bytesPerFlow <= 300 ? 'MET' : 'NOT MET'}`);
