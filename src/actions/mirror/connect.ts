// Attaches transports to a MirrorSet's peers: UDP for VXLAN peers (always available), raw GRE through the
// native addon for GRE peers. A peer whose transport cannot open stays unconnected, with the reason in
// peer.transportError (and in the result); its copies are discarded and counted as dropped.
import { GreTransport, type RawIpSender } from './gre-transport.js';
import type { MirrorSet } from './mirror-set.js';
import { UdpVxlanTransport, type UdpVxlanTransportOptions } from './udp-vxlan-transport.js';

export interface ConnectOptions {
  /** The native addon for GRE peers (loadNative()), or null when absent. */
  raw: RawIpSender | null;
  /** Why the addon is absent (nativeLoadError()), for the error text. */
  rawError?: string | null;
  udp?: UdpVxlanTransportOptions;
}

export interface ConnectedMirrors {
  /** Problems, one per unconnected enabled peer: "192.0.2.9 (gre): ...". */
  problems: string[];
  /** Closes every transport opened here. */
  close(): Promise<void>;
}

export async function connectMirrorSet(set: MirrorSet, opts: ConnectOptions): Promise<ConnectedMirrors> {
  const closers: (() => Promise<void> | void)[] = [];
  const problems: string[] = [];
  for (const peer of set.peers) {
    if (!peer.enabled) continue;
    const cfg = peer.cfg;
    try {
      if (cfg.protocol === 'vxlan') {
        const t = await UdpVxlanTransport.open(cfg.address, cfg.port, { segmented: cfg.segmentation, ...opts.udp, errorSink: peer.counters });
        peer.transport = t;
        closers.push(() => t.close());
      } else {
        const t = GreTransport.open(opts.raw, cfg.address, opts.rawError);
        peer.transport = t;
        closers.push(() => t.close());
      }
      peer.transportError = null;
    } catch (e) {
      peer.transport = null;
      peer.transportError = e instanceof Error ? e.message : String(e);
      problems.push(`${cfg.address} (${cfg.protocol}): ${peer.transportError}`);
    }
  }
  return {
    problems,
    async close() {
      for (const peer of set.peers) peer.transport = null;
      for (const c of closers) await c();
    },
  };
}
