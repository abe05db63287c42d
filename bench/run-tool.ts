// Runs a command under /usr/bin/time and returns wall seconds and peak resident memory.
import { spawnSync } from 'node:child_process';

export interface ToolRun {
  seconds: number;
  maxRssKb: number;
  ok: boolean;
  stderr: string;
}

export function runTimed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): ToolRun {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', cmd, ...args], { encoding: 'utf8', env, maxBuffer: 256 << 20 });
  const m = /TIME ([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '');
  return { seconds: m ? Number(m[1]) : NaN, maxRssKb: m ? Number(m[2]) : NaN, ok: r.status === 0, stderr: r.stderr ?? '' };
}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}
