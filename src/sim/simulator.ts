// The fleet simulator: every device's sessions in one time-ordered heap, frames emitted in timestamp order.
// simulate() runs a whole capture; LiveSimulator produces the same traffic incrementally (nextBatch).
import { ConfigError } from '../core/errors.js';
import { SimDevice } from './device.js';
import { DeviceAgent } from './device-agent.js';
import { buildFleet, type DeviceGroup, type FleetDevice } from './fleet.js';
import { SessionHeap } from './heap.js';
import { EXFIL_HOST, FLOOD_TARGET } from './hosts.js';
import { DEFAULT_DURATION_SEC, DEFAULT_START_US, SCENARIOS, type ScenarioActor, type ScenarioName, type SimOptions, type SimStats } from './options.js';
import { Rng } from './prng.js';
import { DnsBlocklistedDriver } from './scenarios/dns-blocklisted.js';
import { ExfilDriver } from './scenarios/exfil.js';
import { ScannerDriver } from './scenarios/scanner.js';
import { SynFloodDriver } from './scenarios/synflood.js';
import type { Session, SimContext } from './session.js';
import { Wire, type EmitFn } from './wire.js';

/** The group a scenario's actor is taken from (the most plausible culprit). */
const ACTOR_GROUP: Record<ScenarioName, DeviceGroup> = { scanner: 'cameras', synflood: 'routers', 'dns-blocklisted': 'sensors', exfil: 'meters' };
const noEmit: EmitFn = () => {};

export class LiveSimulator implements SimContext {
  readonly wire: Wire;
  readonly rng: Rng;
  readonly startUs: number;
  readonly endUs: number;
  readonly rate: number;
  readonly fleet: FleetDevice[];
  readonly actors: ScenarioActor[] = [];
  private readonly heap = new SessionHeap<Session>();
  private flows = 0;

  constructor(opts: SimOptions = {}) {
    const dur = opts.durationSec ?? DEFAULT_DURATION_SEC;
    if (!(dur > 0)) throw new ConfigError('durationSec', `must be > 0, got ${dur}`);
    const rate = opts.rate ?? 1;
    if (!(rate > 0) || !Number.isFinite(rate)) throw new ConfigError('rate', `must be a positive number, got ${rate}`);
    for (const s of opts.scenarios ?? []) if (!SCENARIOS.includes(s)) throw new ConfigError('scenarios', `unknown scenario '${s}' (known: ${SCENARIOS.join(', ')})`);
    this.rate = rate;
    this.startUs = Math.round(opts.startTimeUs ?? DEFAULT_START_US);
    this.endUs = this.startUs + dur * 1e6;
    const root = new Rng(opts.seed ?? 1);
    this.rng = root.fork(1);
    this.wire = new Wire(noEmit, root.fork(2));
    this.fleet = buildFleet(opts);
    const devRng = root.fork(3);
    const devices = this.fleet.map((d) => new SimDevice(d, devRng.fork(d.idx)));
    for (const d of devices) {
      const agent = new DeviceAgent(d, devRng.fork(d.info.idx + 1_000_000), this.startUs, rate);
      this.heap.push(agent, agent.firstTime());
    }
    this.addScenarios(opts.scenarios ?? [], devices, root.fork(4), dur * 1e6);
  }

  private addScenarios(names: readonly ScenarioName[], devices: SimDevice[], rng: Rng, durUs: number): void {
    const used = new Set<number>();
    // an endless live run places scenarios as if it lasted ten minutes
    const span = Number.isFinite(durUs) ? durUs : 600e6;
    for (const name of SCENARIOS) {
      if (!names.includes(name)) continue;
      const d = this.pickActor(devices, ACTOR_GROUP[name], used, rng);
      const at = (f: number) => this.startUs + Math.round(span * f);
      const srng = rng.fork(used.size);
      let target: string | undefined;
      if (name === 'scanner') this.heap.push(new ScannerDriver(d, srng), at(0.1));
      else if (name === 'synflood') {
        this.heap.push(new SynFloodDriver(d, srng, at(0.3) + Math.min(30e6, Math.round(span * 0.2))), at(0.3));
        target = `203.0.113.80:${FLOOD_TARGET.port}`;
      } else if (name === 'dns-blocklisted') this.heap.push(new DnsBlocklistedDriver(d, srng), at(0.2));
      else {
        this.heap.push(new ExfilDriver(d, srng), at(0.5));
        target = EXFIL_HOST.name;
      }
      this.actors.push({ scenario: name, deviceIdx: d.info.idx, name: d.info.name, ip: d.info.ipText, ...(target ? { target } : {}) });
    }
  }

  private pickActor(devices: SimDevice[], group: DeviceGroup, used: Set<number>, rng: Rng): SimDevice {
    let pool = devices.filter((d) => d.group === group && !used.has(d.info.idx));
    if (pool.length === 0) pool = devices.filter((d) => !used.has(d.info.idx));
    if (pool.length === 0) pool = devices;
    const d = rng.pick(pool);
    used.add(d.info.idx);
    return d;
  }

  schedule(s: Session, t: number): void {
    this.heap.push(s, t);
  }

  flowStarted(): void {
    this.flows++;
  }

  /** True once every session has finished (only after the duration ends). */
  get done(): boolean {
    return this.heap.size === 0;
  }

  /** Time of the next frame or session action, or Infinity when done. */
  get nextTimeUs(): number {
    return this.heap.peek()?.t ?? Infinity;
  }

  /** Emits every frame with a timestamp <= untilUs, in order; returns how many. */
  nextBatch(untilUs: number, emit: EmitFn): number {
    const heap = this.heap;
    const wire = this.wire;
    const before = wire.packets;
    wire.emit = emit;
    try {
      while (true) {
        const s = heap.peek();
        if (s === undefined || s.t > untilUs) break;
        const next = s.step(this);
        // a session's actions are ordered; the heap top is still s unless step() scheduled an earlier one
        if (next < 0) {
          if (heap.peek() === s) heap.pop();
          else this.remove(s);
        } else if (heap.peek() === s) heap.rescheduleTop(Math.max(next, s.t));
        else this.reschedule(s, Math.max(next, s.t));
      }
    } finally {
      wire.emit = noEmit;
    }
    return wire.packets - before;
  }

  // Sessions only schedule others at times >= their own, which get a larger tie-breaker, so the stepped
  // session is still on top; these O(n) fallbacks only keep the order right if that rule is ever broken.
  private remove(s: Session): void {
    const rest: Session[] = [];
    for (let x = this.heap.pop(); x !== undefined; x = this.heap.pop()) if (x !== s) rest.push(x);
    for (const x of rest) this.heap.push(x, x.t);
  }

  private reschedule(s: Session, t: number): void {
    this.remove(s);
    this.heap.push(s, t);
  }

  stats(): SimStats {
    const w = this.wire;
    return {
      packets: w.packets,
      bytes: w.bytes,
      flows: this.flows,
      devices: this.fleet.length,
      firstTsUs: w.firstTsUs < 0 ? 0 : w.firstTsUs,
      lastTsUs: w.lastTsUs,
      actors: this.actors,
    };
  }
}

/** Generates the whole capture for opts, calling emit for every frame in non-decreasing timestamp order. */
export function simulate(opts: SimOptions, emit: EmitFn): SimStats {
  const sim = new LiveSimulator(opts);
  sim.nextBatch(Infinity, emit);
  return sim.stats();
}
