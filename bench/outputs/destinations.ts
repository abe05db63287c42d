// Local destinations for the outputs bench, one per sink kind that can run here: servers are started
// with the sink tests' starters (test/export/sinks/_support, imported from dist like any module) and
// stopped after. `start` returns the sink's options, or a one-line reason to skip.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool } from '../../test/_support/tools.js';
import { freePort, mosquittoServer, natsServer, postgresServer } from '../../test/export/sinks/_support/servers.js';
import { KafkaStandIn } from '../../test/export/sinks/_support/kafka-stand-in.js';
import { EsStandIn } from '../../test/export/sinks/_support/es-stand-in.js';

export interface Running {
  options: Record<string, unknown>;
  /** The destination goes away (for the spool-recovery run) and comes back. */
  down?: () => Promise<void>;
  up?: () => Promise<void>;
  stop: () => Promise<void>;
}

export interface Destination {
  label: string;
  kind: string;
  start: () => Promise<Running | string>;
}

/** An HTTP receiver answering 204 to every POST; can be stopped and restarted on the same port. */
export async function httpReceiver(): Promise<{ port: number; up: () => Promise<void>; down: () => Promise<void> }> {
  let server: Server | null = null;
  let port = 0;
  const up = async (): Promise<void> => {
    const s = createServer((req, res) => {
      req.on('data', () => {});
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => s.listen(port, '127.0.0.1', () => r()));
    port = (s.address() as { port: number }).port;
    server = s;
  };
  const down = async (): Promise<void> => {
    const s = server;
    server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  };
  await up();
  return { port, up, down };
}

const isRoot = (): boolean => process.getuid?.() === 0;

export const DESTINATIONS: Destination[] = [
  {
    label: 'jsonl (fsync per batch)',
    kind: 'jsonl',
    start: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fg-bench-jsonl-'));
      return { options: { path: join(dir, 'records.jsonl') }, stop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    label: 'webhook -> local HTTP, signed',
    kind: 'webhook',
    start: async () => {
      const r = await httpReceiver();
      return { options: { url: `http://127.0.0.1:${r.port}/in`, secret: 'bench' }, down: r.down, up: r.up, stop: r.down };
    },
  },
  {
    label: 'ipfix -> local UDP socket',
    kind: 'ipfix',
    start: async () => {
      const sock = createSocket('udp4');
      sock.on('message', () => {});
      await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
      const stop = async (): Promise<void> => {
        sock.close();
      };
      return { options: { collector: `127.0.0.1:${sock.address().port}` }, stop };
    },
  },
  {
    label: 'prometheus (counting, /metrics)',
    kind: 'prometheus',
    start: async () => ({ options: { listen: `127.0.0.1:${await freePort()}` }, stop: async () => {} }),
  },
  {
    label: 'mqtt QoS 1 -> mosquitto',
    kind: 'mqtt',
    start: async () => {
      if (!hasTool('mosquitto')) return 'mosquitto is not installed';
      const s = await mosquittoServer();
      return { options: { url: `mqtt://127.0.0.1:${s.port}`, topic: 'fleet/{gatewayId}/{type}' }, stop: () => s.dispose() };
    },
  },
  {
    label: 'nats JetStream -> nats-server -js',
    kind: 'nats',
    start: async () => {
      if (!hasTool('nats-server')) return 'nats-server is not installed';
      const s = await natsServer();
      return { options: { servers: `nats://127.0.0.1:${s.port}`, stream: 'FLEETGATE', subject: 'fleetgate.{gatewayId}.{type}' }, stop: () => s.dispose() };
    },
  },
  {
    label: 'postgres -> PostgreSQL 15',
    kind: 'postgres',
    start: async () => {
      if (!isRoot()) return 'needs root (initdb runs as the postgres user)';
      if (!hasTool('/usr/lib/postgresql/15/bin/initdb')) return 'initdb (postgresql 15) is not installed';
      const s = await postgresServer();
      return { options: { connectionString: s.connectionString }, stop: () => s.dispose() };
    },
  },
  {
    label: 'kafka acks=-1 -> stand-in broker',
    kind: 'kafka',
    start: async () => {
      const k = await KafkaStandIn.start();
      return { options: { brokers: k.brokers, topic: 'fleetgate.{gatewayId}.{type}' }, down: () => k.stop(), up: () => k.listen(), stop: () => k.stop() };
    },
  },
  {
    label: 'elasticsearch _bulk -> stand-in',
    kind: 'elasticsearch',
    start: async () => {
      const es = await EsStandIn.start();
      return { options: { node: es.url }, down: () => es.stop(), up: () => es.listen(), stop: () => es.stop() };
    },
  },
];
