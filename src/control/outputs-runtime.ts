// The outputs of one running gateway, following its snapshots: `apply(cfg)` compares the new list
// with the running one by name. An unchanged output keeps its Batcher (nothing queued is touched);
// a changed or removed one is closed with a drain (what is not acknowledged in time stays in its
// spool, when it has one); a new or changed one is opened. While an output opens (or waits for its
// predecessor of the same name to finish draining, since both would share a spool folder), its
// records wait in memory, bounded by maxPending.
//
// Files named by the config (jsonl path, prometheus textfile, spool dir) are relative paths (the
// API refuses others) resolved under baseDir, the gateway's own outputs folder.
import { isAbsolute, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Outputs } from '../export/outputs.js';
import type { OutputsConfig, OutputSinkConfig } from './config/types.js';
import type { SinkRecordType } from '../export/sinks/sink.js';
import type { FlowRecord } from '../export/flows/flow-record.js';
import type { GatewayTotals, PortTotals } from '../export/sinks/prometheus.js';
import type { InspectionReportOut } from '../export/inspection/report-builder.js';
import type { OutputStatus } from './data-plane.js';
import { FILE_OPTIONS } from './store/outputs-validate.js';
import { scrub, secretValues } from './store/output-secrets.js';

export interface OutputsRuntimeOptions {
  gatewayId: string;
  operatorId: string;
  /** The gateway's outputs folder: relative file options and the spool live under it. */
  baseDir: string;
  /** How long a replaced or removed output may drain (default 10 s). */
  drainMs?: number;
  /** Records kept per output while it opens (default 100000); past it they are counted as dropped. */
  maxPending?: number;
}

interface Pending {
  type: SinkRecordType;
  id: string;
  record: object;
  timeMs?: number;
}

interface Entry {
  name: string;
  kind: string;
  /** The entry and spool as JSON: equal keys = unchanged output. */
  key: string;
  types: ReadonlySet<string>;
  state: OutputStatus['state'];
  outputs: Outputs | null;
  pending: Pending[];
  pendingDropped: number;
  lastError: string | null;
  /** Settles when the output is open (or failed), or for a closing one, closed. */
  done: Promise<void>;
  /** The entry's secret values, kept out of lastError. */
  secrets: string[];
}

const scrubbed = (text: string | null, secrets: readonly string[]) => (text === null ? null : scrub(text, secrets));

function statusRow(e: Entry): OutputStatus {
  const c = e.outputs?.counters()[e.name];
  return {
    name: e.name,
    kind: e.kind,
    state: e.state,
    queued: (c?.queued ?? 0) + e.pending.length,
    sent: c?.sent ?? 0,
    retried: c?.retried ?? 0,
    spooled: c?.spooled ?? 0,
    dropped: (c?.dropped ?? 0) + e.pendingDropped,
    lastError: scrubbed(e.outputs?.batcher(e.name)?.lastError ?? e.lastError, e.secrets),
  };
}

/** The spool of outputs configured without one: memory first, disk when slow or down, 1 GiB at most. */
const DEFAULT_SPOOL: OutputsConfig['spool'] = { dir: 'spool', limitBytes: 1 << 30, durable: false };

export class OutputsRuntime {
  private live: Entry[] = [];
  private closing: Entry[] = [];
  private readonly drainMs: number;
  private readonly maxPending: number;

  private gatewayTotals: (() => GatewayTotals) | null = null;
  private portTotals: (() => PortTotals[]) | null = null;

  constructor(private readonly opts: OutputsRuntimeOptions) {
    this.drainMs = opts.drainMs ?? 10_000;
    this.maxPending = opts.maxPending ?? 100_000;
  }

  /** What Prometheus outputs report per gateway and per port (read at scrape time). */
  setTotals(gateway: () => GatewayTotals, ports?: () => PortTotals[]): void {
    this.gatewayTotals = gateway;
    this.portTotals = ports ?? null;
    for (const e of this.live) if (e.outputs) this.wireTotals(e.outputs);
  }

  private wireTotals(o: Outputs): void {
    if (this.gatewayTotals) o.setGatewayStats(this.gatewayTotals);
    if (this.portTotals) o.setPortStats(this.portTotals);
  }

  /**
   * Each output's counters reach the Prometheus outputs among its siblings, both ways. A removed output
   * keeps its last counters there (counters never go back); one re-created under its name replaces them.
   */
  private wireSiblings(e: Entry, o: Outputs): void {
    for (const x of this.live) {
      const xo = x.outputs;
      if (x === e || !xo || x.state !== 'open') continue;
      o.addSinkStats(x.name, () => xo.counters()[x.name]);
      xo.addSinkStats(e.name, () => o.counters()[e.name]);
    }
  }

  /**
   * A new gateway / operator id (a `fleetgate gateway` reload of gateway.id): the next apply() replaces
   * every output (drained, then re-created under the new id); records emitted before keep the old one.
   */
  setIds(gatewayId: string, operatorId: string): void {
    this.opts.gatewayId = gatewayId;
    this.opts.operatorId = operatorId;
  }

  /** Brings the running outputs in line with cfg (null = none). Returns at once; see settled(). */
  apply(cfg: Readonly<OutputsConfig> | null): void {
    // no spool configured: one in the gateway's outputs folder all the same, so records wait on disk
    // through an outage or a burst instead of being dropped when memory fills (the "loses nothing")
    const spool = cfg?.spool ?? DEFAULT_SPOOL;
    const want = new Map<string, { s: Readonly<OutputSinkConfig>; key: string }>();
    // the ids are part of an output's settings: envelopes, topics and metric labels carry them
    const ids = [this.opts.gatewayId, this.opts.operatorId];
    for (const s of cfg?.sinks ?? []) want.set(s.name, { s, key: JSON.stringify({ s, spool, ids }) });
    const keep: Entry[] = [];
    for (const e of this.live) {
      const w = want.get(e.name);
      if (w && w.key === e.key && e.state !== 'failed') {
        keep.push(e);
        want.delete(e.name);
      } else this.retire(e);
    }
    for (const { s, key } of want.values()) keep.push(this.start(s, spool, key));
    this.live = keep;
  }

  /** True when some output takes records of this type. */
  wants(type: SinkRecordType): boolean {
    return this.live.some((e) => e.types.has(type));
  }

  emit(type: SinkRecordType, id: string, record: object, timeMs?: number): void {
    for (const e of this.live) {
      if (!e.types.has(type)) continue;
      if (e.state === 'open') e.outputs!.emit(type, id, record, timeMs);
      else if (e.state === 'opening') {
        if (e.pending.length < this.maxPending) e.pending.push({ type, id, record, timeMs });
        else e.pendingDropped++;
      }
    }
  }

  emitReports(reports: readonly InspectionReportOut[]): void {
    if (!this.wants('inspection')) return;
    for (const r of reports) this.emit('inspection', r.recordId, r, r.timestamp);
  }

  emitFlows(flows: readonly FlowRecord[]): void {
    if (!this.wants('flow')) return;
    for (const e of this.live) if (e.state === 'open' && e.types.has('flow')) for (const f of flows) e.outputs!.emitFlow(f);
    for (const e of this.live) {
      if (e.state !== 'opening' || !e.types.has('flow')) continue;
      for (const f of flows) {
        if (e.pending.length < this.maxPending) e.pending.push({ type: 'flow', id: '', record: f });
        else e.pendingDropped++;
      }
    }
  }

  status(): OutputStatus[] {
    return [...this.live.map(statusRow), ...this.closing.map(statusRow)];
  }

  /** Resolves when every open and close started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.live, ...this.closing].map((e) => e.done));
  }

  /** Drains and closes every output; returns the last status of those that were running (final counters). */
  async close(drainMs = this.drainMs): Promise<OutputStatus[]> {
    const running = this.live;
    for (const e of running) this.retire(e, drainMs);
    this.live = [];
    await this.settled();
    return running.map(statusRow);
  }

  private start(s: Readonly<OutputSinkConfig>, spool: Readonly<OutputsConfig['spool']> | null, key: string): Entry {
    const e: Entry = { name: s.name, kind: s.kind, key, types: new Set(s.types), state: 'opening', outputs: null, pending: [], pendingDropped: 0, lastError: null, done: Promise.resolve(), secrets: secretValues(s.options) };
    // an output of the same name still draining shares the spool folder: wait for it
    const before = this.closing.filter((c) => c.name === s.name).map((c) => c.done);
    e.done = Promise.all(before).then(() => this.open(e, s, spool));
    return e;
  }

  private async open(e: Entry, s: Readonly<OutputSinkConfig>, spool: Readonly<OutputsConfig['spool']> | null): Promise<void> {
    if (e.state !== 'opening') return; // retired before it opened
    try {
      const cfg: OutputsConfig = { sinks: [this.resolveFiles(s)] };
      if (spool) cfg.spool = { ...spool, dir: this.resolve(spool.dir) };
      mkdirSync(this.opts.baseDir, { recursive: true });
      const o = new Outputs(cfg, { gatewayId: this.opts.gatewayId, operatorId: this.opts.operatorId });
      e.outputs = o;
      await o.open();
    } catch (err) {
      e.state = 'failed';
      e.lastError = scrub((err as Error).message, e.secrets);
      e.pendingDropped += e.pending.length;
      e.pending = [];
      console.error(`fleetgate: gateway ${this.opts.gatewayId}: output ${e.name} failed to start: ${e.lastError}`);
      return;
    }
    if ((e.state as OutputStatus['state']) !== 'opening') return; // retired meanwhile: retire() closes it
    e.state = 'open';
    const o = e.outputs;
    this.wireTotals(o);
    this.wireSiblings(e, o);
    for (const p of e.pending.splice(0)) {
      if (p.type === 'flow' && p.id === '') o.emitFlow(p.record as FlowRecord);
      else o.emit(p.type, p.id, p.record, p.timeMs);
    }
  }

  private retire(e: Entry, drainMs = this.drainMs): void {
    const wasOpening = e.state === 'opening';
    e.state = 'closing';
    this.closing.push(e);
    const opened = e.done;
    e.done = (async () => {
      if (wasOpening) await opened; // let a pending open finish, then close what it opened
      e.pendingDropped += e.pending.length;
      e.pending = [];
      try {
        await e.outputs?.close(drainMs);
      } catch (err) {
        e.lastError = (err as Error).message;
      }
      const i = this.closing.indexOf(e);
      if (i >= 0) this.closing.splice(i, 1);
    })();
  }

  private resolve(p: string): string {
    return isAbsolute(p) ? p : join(this.opts.baseDir, p);
  }

  private resolveFiles(s: Readonly<OutputSinkConfig>): OutputSinkConfig {
    const options = { ...s.options };
    for (const k of FILE_OPTIONS[s.kind] ?? []) if (typeof options[k] === 'string') options[k] = this.resolve(options[k]);
    return { ...s, types: [...s.types], options };
  }
}
