// The outputs of `fleetgate gateway` (one thread or --workers: this thread owns them): the config's
// `gateway.outputs` plus --output/--spool, run by the same OutputsRuntime as `fleetgate serve`, so a
// reload swaps them between batches: an output whose settings did not change keeps its Batcher
// (queue, spool, counters), a changed or removed one drains and closes, a new one opens (its records
// wait in memory meanwhile). Relative file options are relative to the working directory, as before.
import { resolve } from 'node:path';
import { FleetgateError } from '../core/errors.js';
import { OutputsRuntime } from '../control/outputs-runtime.js';
import { flowRecordId } from '../export/outputs.js';
import { outputsFromFlags } from '../export/outputs-from-flags.js';
import type { FleetConfig } from '../control/config/load-config.js';
import type { OutputsConfig } from '../control/config/types.js';
import type { SinkRecordType } from '../export/sinks/sink.js';
import type { FlowRecord } from '../export/flows/flow-record.js';
import type { GatewayTotals, PortTotals } from '../export/sinks/prometheus.js';

export interface GatewayOutputsOptions {
  gatewayId: string;
  operatorId: string;
  /** --output kind:target (repeatable) and --spool, added on top of the config's outputs at every reload. */
  flags: { output?: string[]; spool?: string };
  /** How long a replaced or removed output may drain on a reload (default 10 s). */
  drainMs?: number;
}

/** What a reload did to the outputs, by name. */
export interface OutputsChange {
  kept: string[];
  added: string[];
  replaced: string[];
  removed: string[];
}

export class GatewayOutputs {
  private readonly rt: OutputsRuntime;
  /** Running outputs: name → settings (entry and spool) as JSON, to tell what a reload changes. */
  private running = new Map<string, string>();

  constructor(private readonly opts: GatewayOutputsOptions) {
    this.rt = new OutputsRuntime({ gatewayId: opts.gatewayId, operatorId: opts.operatorId, baseDir: process.cwd(), drainMs: opts.drainMs });
  }

  /** The outputs cfg and the flags ask for (undefined = none). */
  configFor(cfg: FleetConfig | undefined): OutputsConfig | undefined {
    let oc = outputsFromFlags(cfg?.gateway.outputs, this.opts.flags);
    // a live gateway cannot pause its input: without a spool, a destination's outage would drop records
    if (oc && oc.sinks.length > 0 && !oc.spool) oc = { ...oc, spool: { dir: resolve('fleetgate-data', 'spool'), limitBytes: 1 << 30, durable: false } };
    return oc;
  }

  /** Starts the outputs of the first config; throws when one cannot start (the gateway does not start). */
  async start(cfg: FleetConfig | undefined): Promise<void> {
    this.apply(cfg);
    await this.rt.settled();
    const failed = this.rt.status().filter((s) => s.state === 'failed');
    if (failed.length > 0) {
      await this.rt.close(0);
      throw new FleetgateError('FG_ERR_IO', `gateway.outputs: ${failed.map((f) => `${f.name}: ${f.lastError ?? 'could not start'}`).join('; ')}`);
    }
  }

  /**
   * A new gateway.id / operator.id (a reload; call it before apply): flows emitted from now on carry
   * it, and apply() replaces every output so that envelopes, topics and metric labels carry it too.
   */
  setIds(gatewayId: string, operatorId: string): void {
    if (gatewayId === this.opts.gatewayId && operatorId === this.opts.operatorId) return;
    this.opts.gatewayId = gatewayId;
    this.opts.operatorId = operatorId;
    this.rt.setIds(gatewayId, operatorId);
  }

  /** Brings the running outputs in line with cfg (between batches; opening happens in the background). */
  apply(cfg: FleetConfig | undefined): OutputsChange {
    const oc = this.configFor(cfg);
    const want = new Map<string, string>();
    const ids = [this.opts.gatewayId, this.opts.operatorId];
    for (const s of oc?.sinks ?? []) want.set(s.name, JSON.stringify({ s, spool: oc?.spool, ids }));
    const change: OutputsChange = { kept: [], added: [], replaced: [], removed: [] };
    for (const [name, key] of want) {
      const old = this.running.get(name);
      if (old === undefined) change.added.push(name);
      else if (old === key) change.kept.push(name);
      else change.replaced.push(name);
    }
    for (const name of this.running.keys()) if (!want.has(name)) change.removed.push(name);
    this.running = want;
    this.rt.apply(oc ?? null);
    return change;
  }

  /** Outputs running now. */
  get size(): number {
    return this.running.size;
  }

  wants(type: SinkRecordType): boolean {
    return this.rt.wants(type);
  }

  emit(type: SinkRecordType, id: string, record: object, timeMs?: number): void {
    this.rt.emit(type, id, record, timeMs);
  }

  emitFlow(f: FlowRecord): void {
    if (this.rt.wants('flow')) this.rt.emit('flow', flowRecordId(this.opts.gatewayId, f), f, Math.floor(f.lastUs / 1000));
  }

  /** Gateway and port counters for Prometheus outputs, present and future (read at scrape time). */
  setTotals(gateway: () => GatewayTotals, ports: () => PortTotals[]): void {
    this.rt.setTotals(gateway, ports);
  }

  /** Each output's state and counters (`status` lines). */
  status(): ReturnType<OutputsRuntime['status']> {
    return this.rt.status();
  }

  /** Drains (up to drainMs) and closes every output; returns `output <name>: queued …` lines with the final counters. */
  async close(drainMs: number): Promise<string[]> {
    // an output a late reload added may still be opening: let it open (within the drain time) so its
    // waiting records are delivered, not dropped
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.rt.settled(), new Promise<void>((r) => (timer = setTimeout(r, drainMs)))]);
    clearTimeout(timer);
    const last = await this.rt.close(drainMs);
    return last.map((c) => `output ${c.name}: queued ${c.queued}, sent ${c.sent}, retried ${c.retried}, spooled ${c.spooled}, dropped ${c.dropped}${c.lastError ? ` (last error: ${c.lastError})` : ''}`);
  }
}

/** The reload line's part about outputs ('' when there are none before or after). */
export function describeOutputsChange(c: OutputsChange): string {
  const n = c.kept.length + c.added.length + c.replaced.length + c.removed.length;
  if (n === 0) return '';
  return `; outputs ${c.kept.length} kept, ${c.added.length} added, ${c.replaced.length} replaced, ${c.removed.length} removed`;
}
