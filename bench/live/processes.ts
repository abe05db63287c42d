// Child processes of the live benchmark: long-running ones that say "ready" on stderr (relays, sinks,
// counters), and short ones run to completion (compiler, sender). Every wait is bounded.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Running {
  readonly label: string;
  readonly child: ChildProcess;
  /** Resolves with everything the process wrote on stdout once it exits. */
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** SIGTERM, then SIGKILL after killAfterMs; resolves with its stdout. */
  stop(killAfterMs?: number): Promise<string>;
}

/** Starts cmd and resolves once it prints a line starting with "ready" on stderr (rejects on exit or timeout). */
export function startReady(label: string, cmd: string, args: string[], timeoutMs = 10_000): Promise<Running> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.once('error', (e) => {
      stderr += String(e);
      resolve({ code: -1, stdout, stderr });
    });
  });
  const running: Running = {
    label,
    child,
    done,
    async stop(killAfterMs = 3000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const r = await done;
      clearTimeout(t);
      return r.stdout;
    },
  };
  return new Promise<Running>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label}: not ready after ${timeoutMs} ms: ${stderr.trim()}`));
    }, timeoutMs);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      const was = stderr;
      stderr += d;
      if (!/^ready/m.test(was) && /^ready/m.test(stderr)) {
        clearTimeout(timer);
        resolve(running);
      }
    });
    void done.then((r) => {
      clearTimeout(timer);
      reject(new Error(`${label}: exited (${r.code}) before it was ready: ${r.stderr.trim()}`));
    });
  });
}

/** Runs cmd to completion (killed after timeoutMs); resolves with its exit code and output. */
export function runToEnd(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(e) });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
