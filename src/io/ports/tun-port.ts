// A TUN port (routed gateway mode): the kernel routes IP packets into the device, the port reads them
// in batches (bare IPv4/IPv6, delivered as LINKTYPE_RAW frames straight from the read buffer, no copy)
// and writes packets the gateway forwards back into the kernel through write().
// Opening needs root (CAP_NET_ADMIN) and /dev/net/tun; the port brings the link up and, when asked,
// adds addresses with the `ip` tool. Routes are the operator's (or the test's) job.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FrameBatch } from '../../core/frame-batch.js';
import { FleetgateError } from '../../core/errors.js';
import { LinkType } from '../../core/layers.js';
import { DatagramBatch, TunDevice, requireNative } from '../native/index.js';
import type { NativeAddon } from '../native/index.js';
import { newPortCounters, nowUs, type BatchHandler, type Port, type PortCounters } from './port.js';

const run = promisify(execFile);
const MAX_READ_ROUNDS = 8;

export interface TunPortOptions {
  /** Device name ('fg%d' lets the kernel pick a number); at most 15 characters. */
  name: string;
  /** Addresses (CIDR text) to add to the device, e.g. ['10.128.255.254/32']; default none. */
  addresses?: string[];
  /** MTU to set; default the kernel's (1500). */
  mtu?: number;
  /** Bring the link up (default true). */
  up?: boolean;
  /** Packets per read batch, 1..1024; default 256. */
  batchSize?: number;
  ifIndex?: number;
  addon?: NativeAddon;
  /**
   * Open one queue of a multi-queue device (IFF_MULTI_QUEUE): several ports (one per worker thread) open
   * the same name, each its own queue, numbered in opening order. Give a fixed name (not 'fg%d').
   */
  multiQueue?: boolean;
  /**
   * Attach the flow-hash steering program for this many queues (tunSetSteering): a packet the kernel
   * sends into the device goes to queue flowHash(src, dst) % queues, so both directions of a flow reach
   * the same queue. One program per device: set it on one queue (the first).
   */
  steerQueues?: number;
}

export class TunPort implements Port {
  readonly kind = 'tun' as const;
  readonly counters: PortCounters = newPortCounters();
  private dev: TunDevice | null = null;
  private readonly addon: NativeAddon;
  private rx: DatagramBatch | null = null;
  private frames: FrameBatch | null = null;
  private onBatch: BatchHandler | null = null;
  private stopped = false;
  private devName: string;

  constructor(private readonly opts: TunPortOptions) {
    this.addon = opts.addon ?? requireNative('tun');
    this.devName = opts.name;
  }

  get label(): string {
    return `tun ${this.devName}`;
  }

  /** The kernel's name for the device (after start). */
  get name(): string {
    return this.devName;
  }

  async start(onBatch: BatchHandler): Promise<void> {
    const o = this.opts;
    let dev: TunDevice;
    try {
      dev = TunDevice.open(this.addon, o.name, { multiQueue: o.multiQueue === true });
    } catch (e) {
      throw new FleetgateError('FG_ERR_IO', `tun ${o.name}: cannot open: ${(e as Error).message} (needs root and /dev/net/tun)`, { name: o.name });
    }
    this.dev = dev;
    this.devName = dev.name;
    try {
      if (o.mtu !== undefined) await run('ip', ['link', 'set', dev.name, 'mtu', String(o.mtu)]);
      for (const a of o.addresses ?? []) await run('ip', ['addr', 'add', a, 'dev', dev.name]);
      if (o.up !== false) await run('ip', ['link', 'set', dev.name, 'up']);
    } catch (e) {
      dev.close();
      this.dev = null;
      throw new FleetgateError('FG_ERR_IO', `tun ${dev.name}: cannot configure with the ip tool: ${(e as Error).message}`, { name: dev.name });
    }
    if (o.steerQueues !== undefined && o.steerQueues > 1) {
      try {
        dev.setSteering(o.steerQueues);
      } catch (e) {
        dev.close();
        this.dev = null;
        throw new FleetgateError('FG_ERR_IO', `tun ${dev.name}: cannot attach the flow steering program: ${(e as Error).message} (needs root; a kernel with CONFIG_BPF_SYSCALL)`, { name: dev.name });
      }
    }
    const n = o.batchSize ?? 256;
    const mtu = Math.max(dev.mtu, o.mtu ?? 0, 1500);
    const rx = new DatagramBatch(n, Math.min(65535, mtu));
    this.rx = rx;
    this.frames = new FrameBatch(n, rx.buf);
    this.onBatch = onBatch;
    this.stopped = false;
    dev.onReadable((status) => {
      if (status < 0) return;
      this.drain();
    });
  }

  /** Writes one IP packet into the kernel; false (counted) when the device queue is full. */
  write(buf: Uint8Array, off: number, len: number): boolean {
    const dev = this.dev;
    let ok = false;
    if (dev !== null && len > 0) {
      try {
        ok = dev.write(buf, off, len);
      } catch {
        ok = false;
      }
    }
    if (ok) {
      this.counters.txFrames++;
      this.counters.txBytes += len;
    } else {
      this.counters.txDrops++;
    }
    return ok;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.dev?.close(); // closing the fd removes the device
    this.dev = null;
    this.onBatch = null;
    await Promise.resolve();
  }

  private drain(): void {
    const dev = this.dev;
    const rx = this.rx;
    const fb = this.frames;
    const cb = this.onBatch;
    if (dev === null || rx === null || fb === null || cb === null) return;
    const ifIndex = this.opts.ifIndex ?? 0;
    for (let round = 0; round < MAX_READ_ROUNDS; round++) {
      let n = 0;
      try {
        n = dev.read(rx);
      } catch {
        n = 0;
      }
      if (n <= 0) break;
      const ts = nowUs();
      fb.count = 0;
      for (let k = 0; k < n; k++) {
        const len = rx.lens[k];
        fb.push(rx.offs[k], len, len, ts, LinkType.RAW, ifIndex);
        this.counters.rxBytes += len;
      }
      this.counters.rxFrames += n;
      cb(fb);
      if (this.stopped || n < rx.capacity) break;
    }
  }
}
