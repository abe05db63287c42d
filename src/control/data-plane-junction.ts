// The Junction of an API-driven data path (LiveDataPlane: `fleetgate serve`, the demo): Mirroring and
// Redirection built from the gateway snapshot's junction config, rebuilt when a new snapshot changes it.
//
// - Mirroring is real: copies go to the peers (VXLAN over UDP; GRE through the native raw socket, which
//   needs the addon and root - otherwise the peer shows state 'error' with the reason and its copies
//   count as dropped; the data path never stops for it). A reconfiguration opens the new peers first
//   and swaps at a batch boundary; a peer whose config did not change keeps its counters.
// - Redirection has nowhere to forward here (the data path is fed by the simulator or a capture, it
//   forwards nothing): flows are selected and pinned as in the live gateway, health is ticked, and the
//   packets that WOULD be redirected are counted (`redirected`, per-peer packets/bytes); the encapsulated
//   copies are discarded at once. Its mode is reported as 'count-only'.
//
// With real ports (`fleetgate serve --config` with gateway.ports) the LiveGateway owns its LiveJunction
// (mirroring and real redirection, returned packets forwarded on): LiveGatewayJunction applies the
// snapshots to it with LiveGateway.reconfigure() and reports its status in the same shape (mode 'live').
import { LiveJunction } from '../pipeline/live-junction.js';
import type { LiveGateway } from '../pipeline/live-gateway.js';
import type { Pipeline } from '../pipeline/worker.js';
import type { DeviceDirectory } from './devices/device-directory.js';
import type { GatewaySnapshot } from './snapshot/gateway-snapshot.js';
import type { MirrorPeerStats } from '../actions/mirror/mirror-set.js';
import type { RedirectionStatus } from '../actions/redirect/redirector.js';
import { mirroringFromStore, redirectionFromStore, redirectionProblems } from './junction-config.js';

export type MirrorPeerState = 'mirroring' | 'connecting' | 'disabled' | 'error';

export interface MirrorPeerLive extends Partial<MirrorPeerStats> {
  address: string;
  state: MirrorPeerState;
  /** Why the peer is in state 'error'. */
  error: string | null;
}

export interface RedirectionLive extends RedirectionStatus {
  /** 'count-only': this data path forwards nothing, so selected packets are counted, not sent; 'live': real ports, packets go to the peer. */
  mode: 'count-only' | 'live';
  /** Packets of selected flows (what would have gone to a peer, or went to it). */
  redirected: number;
  /** Live mode: packets the peer returned and the gateway forwarded on. */
  returned?: number;
  problems: string[];
}

export interface DataPlaneJunctionStatus {
  mirroring: MirrorPeerLive[];
  redirection: RedirectionLive | null;
  /** Problems of the junction as a whole (a peer that could not be built, a setting not applied). */
  problems: string[];
}

type Counters = Record<string, number>;

function addCounters(into: Counters, from: Counters): void {
  for (const k of Object.keys(from)) if (typeof into[k] === 'number' && typeof from[k] === 'number') into[k] += from[k];
}

/** What a GatewayRuntime needs of its Junction (count-only over the pipeline, or the live gateway's). */
export interface RuntimeJunction {
  /** Resolves when the newest config is running (tests and shutdown wait on it). */
  readonly ready: Promise<void>;
  apply(snap: GatewaySnapshot): void;
  afterPacket(): void;
  afterBatch(): void;
  status(): DataPlaneJunctionStatus;
  close(): Promise<void>;
}

export class DataPlaneJunction implements RuntimeJunction {
  /** Started mirroring (null: no peers, or not started yet). */
  private mirror: LiveJunction | null = null;
  /** Being started for the newest mirroring config; swapped in when ready. */
  private pending: LiveJunction | null = null;
  private redirect: LiveJunction | null = null;
  private mirrorKey = '';
  private redirectKey = '';
  private redirectDirectory: DeviceDirectory | null = null;
  private mirrorGen = 0;
  private mirrorProblems: string[] = [];
  private mirrorStartError: string | null = null;
  private redirectProblemList: string[] = [];
  private closed = false;
  /** Resolves when the newest mirroring config is running (tests and shutdown wait on it). */
  ready: Promise<void> = Promise.resolve();

  constructor(private readonly pipeline: Pipeline) {}

  /** Takes a snapshot's junction config (at a batch boundary); rebuilds only what changed. */
  apply(snap: GatewaySnapshot): void {
    if (this.closed) return;
    this.applyMirroring(snap);
    this.applyRedirection(snap);
  }

  /** After processFrame, for the packet in pipeline.view. Allocation-free. */
  afterPacket(): void {
    const m = this.mirror;
    if (m !== null) m.mirror();
    const r = this.redirect;
    if (r !== null && r.redirect()) {
      // count-only: drop the encapsulated copy at once (its queue never fills)
      const peers = (r.redirector as NonNullable<LiveJunction['redirector']>).peers;
      for (let i = 0; i < peers.length; i++) peers[i].queue.clear();
    }
  }

  /** After a batch: mirror copies to their transports, redirection health. */
  afterBatch(): void {
    this.mirror?.afterBatch();
    const red = this.redirect?.redirector;
    if (red) {
      red.tick();
      for (const p of red.peers) p.queue.clear(); // probes have nowhere to go either
    }
  }

  status(): DataPlaneJunctionStatus {
    return { mirroring: this.mirrorStatus(), redirection: this.redirectStatus(), problems: [...this.redirectProblemList] };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.mirrorGen++;
    const m = this.mirror;
    const p = this.pending;
    this.mirror = null;
    this.pending = null;
    this.redirect = null;
    await Promise.all([m?.stop(), p?.stop()]);
  }

  private applyMirroring(snap: GatewaySnapshot): void {
    const key = JSON.stringify(snap.junction.mirroring.peers);
    if (key === this.mirrorKey) return;
    this.mirrorKey = key;
    const gen = ++this.mirrorGen;
    const { config, problems } = mirroringFromStore(snap.junction.mirroring.peers);
    this.mirrorProblems = problems;
    // a junction still starting for an older config is stopped by swapIn (its generation is stale)
    this.pending = null;
    if (!config.peers.some((p) => p.enabled)) {
      const old = this.mirror;
      this.mirror = null;
      this.mirrorStartError = null;
      this.ready = old ? old.stop() : Promise.resolve();
      return;
    }
    const next = new LiveJunction({ pipeline: this.pipeline, directory: snap.devices, mirroring: config });
    this.pending = next;
    this.ready = next.start().then(
      () => this.swapIn(next, gen, null),
      (e: unknown) => this.swapIn(next, gen, e instanceof Error ? e.message : String(e)),
    );
  }

  /** The started junction replaces the running one (unless a newer config came meanwhile). */
  private async swapIn(next: LiveJunction, gen: number, error: string | null): Promise<void> {
    if (gen !== this.mirrorGen || this.closed) {
      await next.stop();
      return;
    }
    this.pending = null;
    this.mirrorStartError = error;
    const old = this.mirror;
    this.mirror = next;
    if (!old) return;
    await old.stop(); // drains its last copies
    // unchanged peers keep their counters
    const before = new Map((old.mirrors?.peers ?? []).map((p) => [JSON.stringify(p.cfg), p]));
    for (const p of next.mirrors?.peers ?? []) {
      const o = before.get(JSON.stringify(p.cfg));
      if (o) addCounters(p.counters as unknown as Counters, o.counters as unknown as Counters);
    }
  }

  private applyRedirection(snap: GatewaySnapshot): void {
    const r = snap.junction.redirection;
    const key = JSON.stringify(r);
    // groups in the selector are looked up by device index: a new directory means new verdicts
    if (key === this.redirectKey && (this.redirect === null || this.redirectDirectory === snap.devices)) return;
    const old = this.redirect;
    this.redirectKey = key;
    this.redirectDirectory = snap.devices;
    this.redirectProblemList = redirectionProblems(r);
    this.redirect = null;
    let cfg = null;
    try {
      cfg = redirectionFromStore(r);
    } catch (e) {
      this.redirectProblemList.push(`redirection: ${(e as Error).message}`);
    }
    if (cfg === null || !cfg.enabled) return; // disabled: nothing runs (the page shows the config)
    const next = new LiveJunction({ pipeline: this.pipeline, directory: snap.devices, redirection: cfg });
    if (old && old.redirector && next.redirector && sameTargets(old, next)) {
      addCounters(next.counters as unknown as Counters, old.counters as unknown as Counters);
      for (let i = 0; i < next.redirector.peers.length; i++) {
        const o = old.redirector.peers[i];
        if (o) addCounters(next.redirector.peers[i].counters as unknown as Counters, o.counters as unknown as Counters);
      }
    }
    this.redirect = next;
  }

  private mirrorStatus(): MirrorPeerLive[] {
    return peerStates(this.mirrorKey, this.mirrorProblems, this.mirror?.mirrors?.stats() ?? [], this.mirrorStartError);
  }

  private redirectStatus(): RedirectionLive | null {
    const j = this.redirect;
    const st = j?.redirector?.status();
    if (!j || !st) return null;
    return { ...st, mode: 'count-only', redirected: j.counters.redirected, problems: [...this.redirectProblemList] };
  }
}

function sameTargets(a: LiveJunction, b: LiveJunction): boolean {
  const x = a.redirector?.cfg;
  const y = b.redirector?.cfg;
  return !!x && !!y && JSON.stringify([x.primary, x.standby]) === JSON.stringify([y.primary, y.standby]);
}

/** The store's peers and the running peers' stats as the API's per-peer states. */
function peerStates(key: string, problems: readonly string[], stats: readonly MirrorPeerStats[], startError: string | null): MirrorPeerLive[] {
  const out: MirrorPeerLive[] = [];
  const byAddr = new Map(stats.map((s) => [s.address, s]));
  for (const p of JSON.parse(key || '[]') as { ipAddress: string; enabled: boolean }[]) {
    const s = byAddr.get(p.ipAddress);
    const problem = problems.find((x) => x.startsWith(`${p.ipAddress} (`));
    if (problem) out.push({ address: p.ipAddress, state: 'error', error: problem.slice(problem.indexOf(': ') + 2) });
    else if (!p.enabled) out.push({ ...(s ?? {}), address: p.ipAddress, state: 'disabled', error: null });
    else if (!s) out.push({ address: p.ipAddress, state: 'connecting', error: null });
    else if (!s.connected) out.push({ ...s, state: 'error', error: s.transportError ?? startError ?? 'not connected' });
    else out.push({ ...s, state: 'mirroring', error: null });
  }
  return out;
}

/**
 * The Junction of a data path with real ports: the LiveGateway's own LiveJunction, reconfigured from
 * each snapshot (LiveGateway.reconfigure: unchanged peers keep their queue, counters and socket; an
 * unchanged redirection keeps its pins). Reconfigurations run one after the other. The gateway mirrors
 * and redirects each packet itself, so afterPacket/afterBatch do nothing here.
 */
export class LiveGatewayJunction implements RuntimeJunction {
  ready: Promise<void> = Promise.resolve();
  private mirrorKey = '';
  private redirectKey = '';
  private directory: DeviceDirectory | null = null;
  private mirrorProblems: string[] = [];
  private redirectProblemList: string[] = [];
  private closed = false;

  constructor(private readonly gw: LiveGateway) {}

  apply(snap: GatewaySnapshot): void {
    if (this.closed) return;
    const mKey = JSON.stringify(snap.junction.mirroring.peers);
    const r = snap.junction.redirection;
    const rKey = JSON.stringify(r);
    // groups are looked up by the pipeline's device indexes: a new directory goes to the junction too
    if (mKey === this.mirrorKey && rKey === this.redirectKey && this.directory === snap.devices) return;
    this.mirrorKey = mKey;
    this.redirectKey = rKey;
    this.directory = snap.devices;
    const { config, problems } = mirroringFromStore(snap.junction.mirroring.peers);
    const redProblems = redirectionProblems(r);
    let red = null;
    try {
      red = redirectionFromStore(r);
    } catch (e) {
      redProblems.push(`redirection: ${(e as Error).message}`);
    }
    if (red?.enabled && this.gw.mode === 'file') {
      redProblems.push(`redirection: needs a gateway that forwards packets (bump, vpg or routed mode), not ${this.gw.mode}: it is off`);
      red = null;
    }
    const directory = snap.devices;
    this.ready = this.ready.then(async () => {
      if (this.closed) return;
      try {
        const change = await this.gw.reconfigure({ mirroring: config.peers.length > 0 ? config : undefined, redirection: red ?? undefined, directory });
        this.mirrorProblems = [...problems, ...change.problems];
      } catch (e) {
        // only the new redirection socket can fail: mirroring and devices are applied, redirection is off
        this.mirrorProblems = problems;
        redProblems.push(`redirection could not start, it is off: ${(e as Error).message}`);
      }
      this.redirectProblemList = redProblems;
    });
  }

  afterPacket(): void {}

  afterBatch(): void {}

  status(): DataPlaneJunctionStatus {
    const s = this.gw.junction.status();
    const problems = [...this.redirectProblemList];
    const st = s.redirection;
    const redirection: RedirectionLive | null = st
      ? { ...st, mode: 'live', redirected: s.counters.redirected, returned: s.counters.returned, problems: [...this.redirectProblemList] }
      : null;
    return { mirroring: peerStates(this.mirrorKey, [...this.mirrorProblems, ...s.mirrorProblems], s.mirroring, null), redirection, problems };
  }

  /** Waits for the last reconfiguration; the gateway itself is stopped by its runtime. */
  async close(): Promise<void> {
    await this.ready;
    this.closed = true;
  }
}
