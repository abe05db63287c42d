// Prometheus sink: counts the flow and report records it is given (per-application traffic) and
// exposes them, with per-gateway, per-port and per-sink counters read from providers at scrape time,
// on an HTTP /metrics endpoint and/or as a text file (node_exporter's textfile collector) on close.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { writeFile, rename } from 'node:fs/promises';
import type { Registry, Counter } from 'prom-client';
import { lazyModule } from '../../core/lazy-module.js';
import type { Sink, SinkRecord } from './sink.js';
import type { BatcherCounters } from '../batcher/batcher.js';

export interface PrometheusSinkOptions {
  name: string;
  gatewayId: string;
  /** Serve /metrics here; absent = no server. */
  listen?: { host: string; port: number };
  /** Write the metrics text here when closed (and on `writeTextfile`). */
  textfile?: string;
}

export interface GatewayTotals {
  frames: number;
  ipPackets: number;
  ipBytes: number;
}

export interface PortTotals {
  port: string;
  rxPackets: number;
  rxBytes: number;
  txPackets: number;
  txBytes: number;
}

const promClient = lazyModule<typeof import('prom-client')>('prom-client');

const OUTCOMES: (keyof BatcherCounters)[] = ['queued', 'sent', 'retried', 'spooled', 'dropped'];

export class PrometheusSink implements Sink {
  readonly name: string;
  readonly registry: Registry = new (promClient().Registry)();
  private server: Server | null = null;
  private gatewayStats: (() => GatewayTotals) | null = null;
  private portStats: (() => PortTotals[]) | null = null;
  private readonly sinkStats = new Map<string, () => BatcherCounters>();
  private readonly flows: Counter<'gateway' | 'app'>;
  private readonly packets: Counter<'gateway' | 'app' | 'direction'>;
  private readonly bytes: Counter<'gateway' | 'app' | 'direction'>;
  private readonly reports: Counter<'gateway'>;
  /** The port the server listens on (useful with port 0). */
  port = 0;

  constructor(private readonly o: PrometheusSinkOptions) {
    this.name = o.name;
    const reg = [this.registry];
    const gw = o.gatewayId;
    this.flows = new (promClient().Counter)({ name: 'fleetgate_app_flows_total', help: 'Finished flows by application', labelNames: ['gateway', 'app'], registers: reg });
    this.packets = new (promClient().Counter)({ name: 'fleetgate_app_packets_total', help: 'Packets of finished flows by application and direction (up: device or initiator to server)', labelNames: ['gateway', 'app', 'direction'], registers: reg });
    this.bytes = new (promClient().Counter)({ name: 'fleetgate_app_bytes_total', help: 'IP bytes of finished flows by application and direction', labelNames: ['gateway', 'app', 'direction'], registers: reg });
    this.reports = new (promClient().Counter)({ name: 'fleetgate_inspection_reports_total', help: 'Inspection reports produced', labelNames: ['gateway'], registers: reg });
    // read at scrape time (arrow functions keep this sink; collect()'s own `this` is the metric)
    const gatewayStats = (): GatewayTotals | undefined => this.gatewayStats?.();
    const portStats = (): PortTotals[] => this.portStats?.() ?? [];
    const sinkStats = (): Map<string, () => BatcherCounters> => this.sinkStats;
    const fromProvider = (name: string, help: string, key: keyof GatewayTotals): void => {
      new (promClient().Counter)({
        name,
        help,
        labelNames: ['gateway'],
        registers: reg,
        collect() {
          const s = gatewayStats();
          this.reset();
          if (s) this.inc({ gateway: gw }, s[key]);
        },
      });
    };
    fromProvider('fleetgate_gateway_frames_total', 'Frames the gateway received', 'frames');
    fromProvider('fleetgate_gateway_packets_total', 'IP packets the gateway processed', 'ipPackets');
    fromProvider('fleetgate_gateway_bytes_total', 'IP bytes the gateway processed', 'ipBytes');
    for (const [metric, help, rx, tx] of [
      ['fleetgate_port_packets_total', 'Packets through a port', 'rxPackets', 'txPackets'],
      ['fleetgate_port_bytes_total', 'Bytes through a port', 'rxBytes', 'txBytes'],
    ] as const) {
      new (promClient().Counter)({
        name: metric,
        help,
        labelNames: ['gateway', 'port', 'direction'],
        registers: reg,
        collect() {
          this.reset();
          for (const p of portStats()) {
            this.inc({ gateway: gw, port: p.port, direction: 'rx' }, p[rx]);
            this.inc({ gateway: gw, port: p.port, direction: 'tx' }, p[tx]);
          }
        },
      });
    }
    new (promClient().Counter)({
      name: 'fleetgate_output_records_total',
      help: 'Export records per output and outcome (queued, sent, retried attempts, spooled, dropped)',
      labelNames: ['gateway', 'sink', 'outcome'],
      registers: reg,
      collect() {
        this.reset();
        for (const [sink, get] of sinkStats()) {
          const c = get();
          for (const k of OUTCOMES) this.inc({ gateway: gw, sink, outcome: k }, c[k]);
        }
      },
    });
  }

  setGatewayStats(fn: () => GatewayTotals): void {
    this.gatewayStats = fn;
  }

  setPortStats(fn: () => PortTotals[]): void {
    this.portStats = fn;
  }

  addSinkStats(sink: string, fn: () => BatcherCounters): void {
    this.sinkStats.set(sink, fn);
  }

  async open(): Promise<void> {
    if (!this.o.listen) return;
    const srv = createServer((req, res) => {
      if (req.url !== '/metrics' && !req.url?.startsWith('/metrics?')) {
        res.writeHead(404).end('not found\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(this.o.listen!.port, this.o.listen!.host, () => resolve());
    });
    const a = srv.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
    this.server = srv;
  }

  async write(batch: readonly SinkRecord[]): Promise<void> {
    const gw = this.o.gatewayId;
    for (const r of batch) {
      if (r.type !== 'flow' && r.type !== 'inspection') continue;
      let v: Record<string, unknown>;
      try {
        v = JSON.parse(Buffer.from(r.body.buffer, r.body.byteOffset, r.body.length).toString('utf8')) as Record<string, unknown>;
      } catch {
        continue;
      }
      const rec = (v.record && typeof v.record === 'object' ? v.record : v) as Record<string, unknown>;
      if (r.type === 'inspection') {
        this.reports.inc({ gateway: gw });
        continue;
      }
      const app = typeof rec.app === 'string' ? rec.app : 'unknown';
      this.flows.inc({ gateway: gw, app });
      this.packets.inc({ gateway: gw, app, direction: 'up' }, num(rec.pktsAB));
      this.packets.inc({ gateway: gw, app, direction: 'down' }, num(rec.pktsBA));
      this.bytes.inc({ gateway: gw, app, direction: 'up' }, num(rec.bytesAB));
      this.bytes.inc({ gateway: gw, app, direction: 'down' }, num(rec.bytesBA));
    }
  }

  /** The exposition text now. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  async writeTextfile(): Promise<void> {
    if (!this.o.textfile) return;
    const tmp = `${this.o.textfile}.tmp`;
    await writeFile(tmp, await this.metrics());
    await rename(tmp, this.o.textfile);
  }

  async close(): Promise<void> {
    await this.writeTextfile();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}
