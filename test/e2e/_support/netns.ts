// Network namespaces for the e2e tests: unique names per run, commands inside them with bounded
// timeouts, background processes that are always killed, and cleanup that runs even on failure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';

export class NetnsLab {
  /** Short unique suffix for namespace and interface names (interface names are at most 15 chars). */
  readonly id = randomBytes(2).toString('hex');
  private readonly namespaces: string[] = [];
  private readonly children: ChildProcess[] = [];

  constructor(t: TestContext) {
    t.after(() => this.cleanup());
  }

  /** Creates a namespace named `fg<role><id>` with loopback up and IPv6 off (no stray ND/MLD traffic). */
  netns(role: string): string {
    const name = `fg${role}${this.id}`;
    run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    this.exec(name, 'ip link set lo up');
    this.exec(name, 'sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1');
    return name;
  }

  /** Runs a shell command inside ns; throws with its output when it fails. */
  exec(ns: string, cmd: string, timeoutMs = 10_000): string {
    return run('ip', ['netns', 'exec', ns, 'sh', '-c', cmd], timeoutMs);
  }

  /** Like exec, but returns the exit status and output instead of throwing. */
  tryExec(ns: string, cmd: string, timeoutMs = 15_000): { status: number | null; out: string } {
    const r = spawnSync('ip', ['netns', 'exec', ns, 'sh', '-c', cmd], { encoding: 'utf8', timeout: timeoutMs });
    return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  }

  /** A veth pair: `a` in nsA, `b` in nsB, both up. */
  veth(nsA: string, a: string, nsB: string, b: string): void {
    run('ip', ['link', 'add', a, 'netns', nsA, 'type', 'veth', 'peer', 'name', b, 'netns', nsB]);
    this.exec(nsA, `ip link set ${a} up`);
    this.exec(nsB, `ip link set ${b} up`);
  }

  /** Starts a background process inside ns; it is killed at cleanup. Output is collected. */
  spawn(ns: string, argv: string[]): Background {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    return new Background(child);
  }

  cleanup(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const ns of this.namespaces.reverse()) spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
    this.namespaces.length = 0;
  }
}

export class Background {
  out = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.out += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Resolves when the output matches re; rejects after timeoutMs or when the process exits first. */
  waitFor(re: RegExp, what: string, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const tick = (): void => {
        if (re.test(this.out)) return resolve();
        if (this.child.exitCode !== null) return reject(new Error(`${what}: the process exited (${this.child.exitCode}): ${this.out}`));
        if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}: ${this.out}`));
        setTimeout(tick, 25);
      };
      tick();
    });
  }

  /** Sends a signal and waits (bounded) for the exit; SIGKILL after timeoutMs. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

function run(cmd: string, args: string[], timeoutMs = 10_000): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  return r.stdout;
}
