// Builds a gateway's configured outputs (`gateway.outputs`, docs/outputs.md): one Sink and one Batcher
// per entry, a record-type filter and the envelope on or off each. Records are serialized once per
// envelope form and validated against their JSON Schemas before they leave.
import type { ValidateFunction } from 'ajv';
import type { OutputsConfig } from '../control/config/types.js';
import { ConfigError } from '../core/errors.js';
import { sharedAjv } from '../control/config/ajv.js';
import { readSchemaFile } from '../control/config/schema-file.js';
import { Batcher, spoolDirFor } from './batcher/index.js';
import type { BatcherCounters } from './batcher/index.js';
import { createSink } from './sinks/index.js';
import { PrometheusSink } from './sinks/prometheus.js';
import type { GatewayTotals, PortTotals } from './sinks/prometheus.js';
import type { SinkRecordType } from './sinks/sink.js';
import type { FlowRecord } from './flows/flow-record.js';
import { validateInspectionReport } from './records/inspection-report.js';
import { validateEveRecord } from './records/eve/validate-eve-record.js';
import { validateAlertRecord, validateAnomalyRecord } from './records/security/index.js';

export interface OutputsContext {
  gatewayId: string;
  operatorId: string;
}

interface Output {
  name: string;
  types: ReadonlySet<SinkRecordType>;
  envelope: boolean;
  batcher: Batcher;
}

let flowValidator: ValidateFunction | undefined;

/** Problems with a flow record against schemas/flow-record.schema.json; empty when valid. */
export function validateFlowRecord(obj: unknown): string[] {
  flowValidator ??= sharedAjv().compile(readSchemaFile('flow-record.schema.json'));
  if (flowValidator(obj)) return [];
  return (flowValidator.errors ?? []).map((e) => `${e.instancePath || '(root)'}: ${e.message ?? e.keyword}`);
}

const VALIDATORS: Partial<Record<SinkRecordType, (o: unknown) => string[]>> = {
  inspection: validateInspectionReport,
  eve: validateEveRecord,
  flow: validateFlowRecord,
  alert: validateAlertRecord,
  anomaly: validateAnomalyRecord,
};

/** A flow's record id: the same flow replayed again gets the same id (consumers drop duplicates). */
export function flowRecordId(gatewayId: string, f: FlowRecord): string {
  return `${gatewayId}:${f.firstUs}:${f.proto}:${f.aAddr}:${f.aPort}:${f.bAddr}:${f.bPort}`;
}

/** Rewrites a sink factory's `sinks.<kind>.<option>` path to the config path of entry i. */
function atEntry(e: unknown, i: number): never {
  if (e instanceof ConfigError) {
    const rest = e.path.replace(/^sinks\.[^.]+\.?/, '').replace(/^kind$/, 'kind');
    throw new ConfigError(`gateway.outputs.sinks[${i}]${rest ? `.${rest}` : ''}`, e.problem);
  }
  throw e;
}

export interface PauseOptions {
  /** Say which outputs hold the producer back once it has waited this long (default 10 s). */
  warnAfterMs?: number;
  /** Where that line goes (default standard error). */
  onWaiting?: (text: string) => void;
}

export class Outputs {
  private readonly outputs: Output[] = [];
  /** Records refused by schema validation (never sent); `invalidSamples` keeps the first few problems. */
  invalid = 0;
  readonly invalidSamples: string[] = [];

  constructor(cfg: OutputsConfig, private readonly ctx: OutputsContext) {
    cfg.sinks.forEach((s, i) => {
      let sink;
      try {
        sink = createSink(s.kind, s.options, { name: s.name, gatewayId: ctx.gatewayId });
      } catch (e) {
        atEntry(e, i);
      }
      const batcher = new Batcher(sink, {
        label: s.name,
        spoolDir: cfg.spool ? spoolDirFor(cfg.spool.dir, s.name) : undefined,
        spoolLimitBytes: cfg.spool?.limitBytes,
        durable: cfg.spool?.durable ?? false,
        batchSize: s.batchSize,
      });
      this.outputs.push({ name: s.name, types: new Set(s.types), envelope: s.envelope, batcher });
    });
    for (const o of this.outputs) {
      if (o.batcher.sink instanceof PrometheusSink) {
        for (const x of this.outputs) o.batcher.sink.addSinkStats(x.name, () => x.batcher.counters);
      }
    }
  }

  get size(): number {
    return this.outputs.length;
  }

  /** True when some output takes records of this type (skip building them otherwise). */
  wants(type: SinkRecordType): boolean {
    return this.outputs.some((o) => o.types.has(type));
  }

  async open(): Promise<void> {
    for (const o of this.outputs) await o.batcher.open();
  }

  /** Another output's counters for this one's Prometheus outputs (outputs started separately, e.g. by the API). */
  addSinkStats(name: string, fn: () => BatcherCounters): void {
    for (const o of this.outputs) if (o.batcher.sink instanceof PrometheusSink) o.batcher.sink.addSinkStats(name, fn);
  }

  /** Per-port counters for Prometheus outputs (read at scrape time): the live gateway's ports. */
  setPortStats(fn: () => PortTotals[]): void {
    for (const o of this.outputs) if (o.batcher.sink instanceof PrometheusSink) o.batcher.sink.setPortStats(fn);
  }

  /** Per-gateway totals for Prometheus outputs (read at scrape time). */
  setGatewayStats(fn: () => GatewayTotals): void {
    for (const o of this.outputs) if (o.batcher.sink instanceof PrometheusSink) o.batcher.sink.setGatewayStats(fn);
  }

  /** Validates, serializes (bare and/or enveloped, once each) and queues a record on every output that takes its type. */
  emit(type: SinkRecordType, id: string, record: object, timeMs?: number): void {
    let bare: Uint8Array | null = null;
    let env: Uint8Array | null = null;
    let checked = false;
    for (const o of this.outputs) {
      if (!o.types.has(type)) continue;
      if (!checked) {
        checked = true;
        const problems = VALIDATORS[type]?.(record) ?? [];
        if (problems.length > 0) {
          this.invalid++;
          if (this.invalidSamples.length < 5) this.invalidSamples.push(`${type} ${id}: ${problems.slice(0, 3).join('; ')}`);
          if (this.invalid === 1) console.error(`fleetgate: outputs: a ${type} record failed its schema and was not sent: ${problems[0]}`);
          return;
        }
      }
      let body: Uint8Array;
      if (o.envelope) {
        env ??= Buffer.from(
          JSON.stringify({ id, type, gateway: this.ctx.gatewayId, operator: this.ctx.operatorId, time: new Date(timeMs ?? Date.now()).toISOString(), record }),
        );
        body = env;
      } else {
        bare ??= Buffer.from(JSON.stringify(record));
        body = bare;
      }
      o.batcher.push({ id, type, body });
    }
  }

  emitFlow(f: FlowRecord): void {
    if (this.wants('flow')) this.emit('flow', flowRecordId(this.ctx.gatewayId, f), f, Math.floor(f.lastUs / 1000));
  }

  /**
   * For producers that can pause (a replay): a promise to await before producing more, when some
   * output without a spool holds half its memory bound; null when there is room everywhere.
   */
  pause(opts: PauseOptions = {}): Promise<void> | null {
    const full = this.outputs.filter((o) => o.batcher.wantsPause);
    if (full.length === 0) return null;
    // a destination that stays down would hold the producer forever: say which one, and why, once per wait
    const warnAfterMs = opts.warnAfterMs ?? 10_000;
    const warn = opts.onWaiting ?? ((text: string) => console.error(`fleetgate: ${text}`));
    const timer = setTimeout(() => {
      const why = full.map((o) => `${o.name} (${o.batcher.lastError ?? 'slow'})`).join(', ');
      warn(`waiting for outputs that fall behind or cannot be reached: ${why}; nothing is dropped, the input resumes when they catch up`);
    }, warnAfterMs);
    return Promise.all(full.map((o) => o.batcher.room())).then(() => clearTimeout(timer));
  }

  /** One summary line per output: `output <name>: queued …, sent …, retried …, spooled …, dropped …`. */
  counterLines(): string[] {
    return Object.entries(this.counters()).map(([name, c]) => `output ${name}: queued ${c.queued}, sent ${c.sent}, retried ${c.retried}, spooled ${c.spooled}, dropped ${c.dropped}`);
  }

  counters(): Record<string, BatcherCounters> {
    const out: Record<string, BatcherCounters> = {};
    for (const o of this.outputs) out[o.name] = { ...o.batcher.counters };
    return out;
  }

  batcher(name: string): Batcher | undefined {
    return this.outputs.find((o) => o.name === name)?.batcher;
  }

  /** Drains each output for up to drainMs (what is left stays spooled for the next start), then closes. */
  async close(drainMs = 10_000): Promise<void> {
    await Promise.all(this.outputs.map((o) => o.batcher.close(drainMs)));
  }
}
