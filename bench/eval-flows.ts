// npm run eval:flows — do the TCP/UDP flows fleetgate finds in the nDPI corpus match nDPI's?
// For every pcap in ../shared/corpus/ndpi/pcap, compares the set of TCP/UDP 5-tuples (direction-free)
// in result/<name>.out with the flows `fleetgate flows` finds. Target: >= 98% of nDPI's flows found.
import { readdirSync, existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { parseNdpiOut, flowKey } from './ndpi-out.js';
import { collectFlows } from '../src/pipeline/collect-flows.js';

const corpus = resolve(process.argv[2] ?? '../shared/corpus/ndpi');
if (!existsSync(corpus)) {
  console.error(`eval:flows: ${corpus} is absent (the nDPI corpus lives in ../shared/corpus/ndpi)`);
  process.exit(2);
}

let ndpiTotal = 0;
let found = 0;
let oursTotal = 0;
const misses: string[] = [];
const perFile: { file: string; ndpi: number; found: number; ours: number }[] = [];

for (const file of readdirSync(join(corpus, 'pcap')).sort()) {
  const outPath = join(corpus, 'result', `${file}.out`);
  if (!existsSync(outPath)) continue;
  const expected = parseNdpiOut(outPath).filter((f) => f.l4 === 'TCP' || f.l4 === 'UDP');
  const { flows, error } = await collectFlows(join(corpus, 'pcap', file));
  const ours = new Set(
    flows.filter((f) => f.proto === 'TCP' || f.proto === 'UDP').map((f) => flowKey(f.proto, f.aAddr, f.aPort, f.bAddr, f.bPort)),
  );
  const exp = new Set(expected.map((f) => flowKey(f.l4, f.a, f.aPort, f.b, f.bPort)));
  let hit = 0;
  for (const k of exp) {
    if (ours.has(k)) hit++;
    else if (misses.length < 40) misses.push(`${file}: ${k}`);
  }
  ndpiTotal += exp.size;
  found += hit;
  oursTotal += ours.size;
  perFile.push({ file, ndpi: exp.size, found: hit, ours: ours.size });
  if (error) console.log(`  note: ${file}: ${error}`);
}

const worst = perFile.filter((f) => f.found < f.ndpi).sort((a, b) => a.found / a.ndpi - b.found / b.ndpi);
console.log('files with missed flows (nDPI flows / found by fleetgate / fleetgate flows):');
for (const f of worst.slice(0, 25)) console.log(`  ${f.file.padEnd(48)} ${f.ndpi} / ${f.found} / ${f.ours}`);
if (misses.length) {
  console.log('first missed flows:');
  for (const m of misses.slice(0, 20)) console.log(`  ${m}`);
}
const pct = (100 * found) / Math.max(1, ndpiTotal);
console.log(`\npcaps: ${perFile.length}`);
console.log(`nDPI TCP/UDP flows: ${ndpiTotal}; found by fleetgate: ${found} (${pct.toFixed(2)}%); fleetgate TCP/UDP flows: ${oursTotal}`);
console.log(`target >= 98%: ${pct >= 98 ? 'MET' : 'NOT MET'}`);
process.exit(pct >= 98 ? 0 : 1);
