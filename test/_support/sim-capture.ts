// Writes a small deterministic simulated capture (and its fleet config) to a temp folder for tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { stringify } from 'yaml';
import { simulate, fleetDescription, type SimOptions } from '../../src/sim/index.js';
import { PcapWriter } from '../../src/io/pcap-writer.js';

export interface SimCapture {
  dir: string;
  pcap: string;
  config: string;
  frames: number;
}

export async function writeSimCapture(opts: SimOptions): Promise<SimCapture> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-test-'));
  const pcap = join(dir, 'fleet.pcap');
  const config = join(dir, 'fleet.yaml');
  const w = PcapWriter.open(pcap, { linkType: 1 });
  simulate(opts, (buf, off, len, ts) => w.write(buf, off, len, ts));
  await w.close();
  writeFileSync(config, stringify(fleetDescription(opts)));
  return { dir, pcap, config, frames: w.framesWritten };
}
