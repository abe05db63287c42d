// The port contract (DESIGN.md §4): a port delivers batches of frames to one callback and sends what
// the gateway hands back. The batch object and its bytes are reused: they are valid only during the
// callback. Ports that need the native addon throw FG_ERR_UNSUPPORTED from their factory when it
// did not build, so fleetgate still installs and runs (pcap and simulator) without it.
import type { FrameBatch } from '../../core/frame-batch.js';

export type PortKind = 'vxlan' | 'geneve' | 'gtpu' | 'tun' | 'pcap';

export type BatchHandler = (b: FrameBatch) => void;

export interface PortCounters {
  /** Frames delivered to the pipeline. */
  rxFrames: number;
  rxBytes: number;
  /** Datagrams/packets handed to the kernel. */
  txFrames: number;
  txBytes: number;
  /** Sends refused (queue or kernel buffer full) or failed. */
  txDrops: number;
  /** Input the port itself dropped (not a tunnel packet, too long for a slot...). */
  rxDrops: number;
}

export interface Port {
  readonly kind: PortKind;
  /** Human label for logs: 'vxlan 0.0.0.0:4789', 'tun fg0', 'pcap x.pcap'. */
  readonly label: string;
  readonly counters: PortCounters;
  /** Opens the port and starts delivering batches; resolves once it is ready (sockets bound, device up). */
  start(onBatch: BatchHandler): Promise<void>;
  /** Stops delivering, sends what is queued, releases the fd/file. Idempotent. */
  stop(): Promise<void>;
}

export function newPortCounters(): PortCounters {
  return { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, txDrops: 0, rxDrops: 0 };
}

/** Wall clock in microseconds: live ports stamp packets with it (one call per batch). */
export function nowUs(): number {
  return Date.now() * 1000;
}
