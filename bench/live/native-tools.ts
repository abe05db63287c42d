// The C side of the live benchmark: compiles bench/native/udp-blast.c and udp-relay.c with `cc -O2`
// into a temporary directory, and runs one measured step (counter + paced sender).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToEnd, startReady } from './processes.js';
import type { TrialResult } from './rate-search.js';

export interface NativeTools {
  blast: string;
  relay: string;
}

const SOURCES = fileURLToPath(new URL('../../../bench/native/', import.meta.url));

export async function buildNativeTools(dir: string): Promise<NativeTools> {
  const tools = { blast: join(dir, 'udp-blast'), relay: join(dir, 'udp-relay') };
  for (const [name, out] of [['udp-blast.c', tools.blast], ['udp-relay.c', tools.relay]]) {
    const r = await runToEnd('cc', ['-O2', '-Wall', '-o', out, join(SOURCES, name)], 60_000);
    if (r.code !== 0) throw new Error(`cc ${name} failed (${r.code}): ${r.stderr.trim()}`);
  }
  return tools;
}

export interface StepSpec {
  /** Port the relay listens on. */
  relayPort: number;
  /** Port where the relay's output is counted. */
  countPort: number;
  /** Datagram template file and its length. */
  template: string;
  size: number;
  seqOffset: number;
  varyOffset: number;
  varyCount: number;
  /** How long a paced step lasts, ms. */
  stepMs: number;
  /** Datagrams of the flat-out probe. */
  probeCount: number;
}

const COUNT_LINE = /received (\d+) \(distinct (\d+) of (\d+), lost (\d+).* in ([\d.]+) s: (\d+) datagrams\/s/;
const SENT_LINE = /sent (\d+) datagrams .* in ([\d.]+) s: (\d+) datagrams\/s/;

/** Wraps a command (e.g. in taskset); `relay` is false for the load tools. */
export type Placement = (relay: boolean, cmd: string, args: string[]) => [string, string[]];
const asIs: Placement = (_relay, cmd, args) => [cmd, args];

/** One step: counter ready, sender at `rate` (0 = flat out), both finished; loss from the counter. */
export async function runStep(tools: NativeTools, s: StepSpec, rate: number, place: Placement = asIs): Promise<TrialResult> {
  const count = rate > 0 ? Math.max(1000, Math.round((rate * s.stepMs) / 1000)) : s.probeCount;
  const counter = await startReady('counter', ...place(false, tools.blast, ['count', String(s.countPort), String(count), '500', String(s.seqOffset)]));
  const send = await runToEnd(
    ...place(false, tools.blast, [
      'send', '127.0.0.1', String(s.relayPort), String(count), String(s.size), String(rate), s.template, String(s.seqOffset), String(s.varyOffset), String(s.varyCount),
    ]),
    s.stepMs * 4 + 20_000,
  );
  const cnt = await Promise.race([counter.done, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
  if (cnt === null) await counter.stop(100);
  const sm = SENT_LINE.exec(send.stdout);
  const cm = cnt ? COUNT_LINE.exec(cnt.stdout) : null;
  if (!sm) throw new Error(`udp-blast send failed (${send.code}): ${send.stderr.trim() || send.stdout.trim()}`);
  const sent = Number(sm[1]);
  const received = cm ? Number(cm[2]) : 0;
  return {
    requested: rate,
    offered: Number(sm[3]),
    sent,
    received,
    lossPct: sent > 0 ? (100 * (sent - received)) / sent : 100,
    delivered: cm ? Number(cm[6]) : 0,
  };
}

export function writeTemplate(dir: string, size: number, bytes: Uint8Array): string {
  const path = join(dir, `vxlan-${size}.bin`);
  writeFileSync(path, bytes);
  return path;
}
