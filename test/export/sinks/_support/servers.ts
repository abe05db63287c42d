// Real servers for the sink tests, each on a random free loopback port in a temp dir:
// mosquitto, nats-server with JetStream, and PostgreSQL (initdb + pg_ctl, run as the `postgres` user).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Waits until something accepts TCP connections on 127.0.0.1:port. */
export async function waitPort(port: number, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ host: '127.0.0.1', port });
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A server process that can be stopped and started again on the same port and data. */
export interface TestServer {
  readonly port: number;
  readonly dir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the server and removes its temp dir. */
  dispose(): Promise<void>;
}

async function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  // a generous grace period: a broker killed before it saved its persistence file would lose the
  // sessions and queued messages the fault tests count on (a loaded CI machine can be slow to exit)
  const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(t);
}

function processServer(name: string, port: number, dir: string, argv: () => string[]): TestServer {
  let child: ChildProcess | null = null;
  let log = '';
  return {
    port,
    dir,
    async start() {
      const [cmd, ...args] = argv();
      log = '';
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
      try {
        await waitPort(port, name);
      } catch (e) {
        await stopChild(child);
        throw new Error(`${(e as Error).message}\n${log.slice(-2000)}`);
      }
    },
    async stop() {
      await stopChild(child);
      child = null;
    },
    async dispose() {
      await this.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function mosquittoServer(): Promise<TestServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fg-mosquitto-'));
  // started as root, mosquitto drops to its own user: it must be able to write its persistence file here
  chmodSync(dir, 0o777);
  const conf = join(dir, 'mosquitto.conf');
  // mosquitto 2 only listens on localhost without a config file, and refuses anonymous clients on a listener.
  // Persistence keeps a subscriber's session (and its queued QoS 1 messages) across a broker restart.
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${dir}/\nmax_queued_messages 0\n`,
  );
  const s = processServer('mosquitto', port, dir, () => ['mosquitto', '-c', conf]);
  await s.start();
  return s;
}

export async function natsServer(): Promise<TestServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fg-nats-'));
  const s = processServer('nats-server', port, dir, () => ['nats-server', '-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir]);
  await s.start();
  return s;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** PostgreSQL cluster (trust auth, user `postgres`) on 127.0.0.1:port; the data dir belongs to `postgres`. */
export async function postgresServer(): Promise<TestServer & { connectionString: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fg-pg-'));
  const pg = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const uid = Number(pg.stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const asPg = (args: string[]) => spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8', timeout: 60_000 });
  const init = asPg([`${PG_BIN}/initdb`, '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const server: TestServer & { connectionString: string } = {
    port,
    dir,
    connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      const r = asPg([
        `${PG_BIN}/pg_ctl`, '-D', data, '-l', join(dir, 'log'), '-w', '-t', '30',
        '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start',
      ]);
      if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.stderr}${r.stdout}`);
      await waitPort(port, 'postgres');
    },
    async stop() {
      asPg([`${PG_BIN}/pg_ctl`, '-D', data, '-m', 'fast', '-w', 'stop']);
    },
    async dispose() {
      await this.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
