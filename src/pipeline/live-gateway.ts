// The live gateway: ports in, the pipeline (worker.ts, unchanged) in the middle, forwarding out.
//
//   devices port ──► Pipeline.processFrame ──► forward ──► network port (VPG / routed mode)
//        ▲                                       │  └───► back to the sender (bump in the wire)
//        └──── re-encapsulate to the device ◄────┴─ network port ◄── return traffic
//
// Modes, from which ports are given:
// - tunnel port (VXLAN/GENEVE/GTP-U), no network port: bump in the wire. Every datagram goes back to
//   its sender as it came (same tunnel header, VNI, GENEVE options), outer addresses swapped; a
//   redirected flow's packets go through the peer first, then back the same way (live-bump-paths.ts).
// - tunnel port + network TUN (VPG): inner IP packets go to the TUN (the kernel routes them on);
//   packets the kernel routes into the TUN for a device are re-encapsulated with the tunnel header
//   that device last used and sent to its endpoint (DeviceEndpoints), IPv4 and IPv6 devices alike.
//   Ethernet tunnels get proxy ARP and proxy neighbour discovery (IPv6).
// - TUN port (routed mode): packets read from it are written to the network TUN, and back; without a
//   network port, into the same TUN (policy routing in the kernel decides where they go next).
// - pcap port: inspection only, nothing is forwarded.
// Junction actions (live-junction.ts) run on every processed packet: Mirroring copies it; Redirection
// hands a redirected flow's packets to its peer instead of forwarding them, and packets the peer returns
// continue here (onReturned) to their destination without being processed (counted) a second time.
// Forwarding allocates nothing per packet.
import type { FrameBatch } from '../core/frame-batch.js';
import { LinkType, TunnelKind } from '../core/layers.js';
import { writeIpv4Simple } from '../packet/build/ipv4.js';
import { writeUdp } from '../packet/build/udp.js';
import type { Port } from '../io/ports/port.js';
import { nowUs } from '../io/ports/port.js';
import { OUTER_LEN, UdpTunnelPort } from '../io/ports/udp-tunnel-port.js';
import { TunPort } from '../io/ports/tun-port.js';
import { geneveProtocol } from '../io/ports/tunnel-kind.js';
import type { Pipeline } from './worker.js';
import { DeviceEndpoints, MAX_TUNNEL_HDR } from './live-endpoints.js';
import { ARP_FRAME_LEN, isAnswerableArpRequest, writeArpReply } from './live-arp.js';
import { NA_FRAME_LEN, isAnswerableNeighborSolicitation, writeNeighborAdvertisement } from '../actions/redirect/nd-reply.js';
import { LiveJunction, type JunctionChange, type JunctionStatus } from './live-junction.js';
import { BumpPaths } from './live-bump-paths.js';
import { FleetgateError } from '../core/errors.js';
import type { DeviceDirectory } from '../control/devices/device-directory.js';
import type { MirroringConfig } from '../actions/mirror/config.js';
import type { RedirectionConfig } from '../actions/redirect/config.js';

export const DEFAULT_GATEWAY_MAC = Uint8Array.of(0x02, 0x66, 0x67, 0x00, 0x00, 0x01);
const ETH_LEN = 14;
const ETHERTYPE_TEB = 0x6558;
/** How often report intervals are closed while no packet arrives. */
const IDLE_TICK_MS = 1000;
const NOOP = (): void => {};

export type LiveMode = 'bump' | 'vpg' | 'routed' | 'file';

export interface LiveGatewayOptions {
  pipeline: Pipeline;
  /** Where device traffic arrives. */
  devices: Port;
  /** Where it leaves toward the servers (a TUN); see the modes above. */
  network?: TunPort;
  /** UDP port of device tunnel endpoints: default the tunnel's well-known port; 0 = the port they sent from. */
  replyPort?: number;
  /** Our MAC inside Ethernet tunnels (ARP replies, re-encapsulated frames). */
  gatewayMac?: Uint8Array;
  /** Called after each batch has been processed and forwarded (captures, tests). */
  afterBatch?: () => void;
  /**
   * Called right after each Pipeline.processFrame, with the packet in pipeline.view (the API's data
   * path: direction counters, capture tap). Must not allocate.
   */
  afterPacket?: () => void;
  /** The device directory the pipeline uses (device groups for mirror filters and redirection selectors). */
  directory?: DeviceDirectory;
  /** `gateway.junction.mirroring`: copies of the processed packets to peers (every mode). */
  mirroring?: MirroringConfig;
  /** `gateway.junction.redirection`: selected flows through a peer (bump, VPG and routed modes). */
  redirection?: RedirectionConfig;
  /** Local address of the redirection socket (default 0.0.0.0). */
  redirectBindAddress?: string;
}

/** switchPorts closed a running port for a new one that failed, and could not open it again: the gateway lacks a port. */
export class PortsLostError extends FleetgateError {
  constructor(message: string) {
    super('FG_ERR_IO', message);
  }
}

/** New ports for LiveGateway.switchPorts (not started yet). */
export interface LivePortsSwitch {
  /** The new devices port, or undefined: the running one stays. */
  devices?: Port;
  /** The new network TUN; null: the running one closes; undefined: it stays. */
  network?: TunPort | null;
  /**
   * The new devices port needs the running one's socket (same address and UDP port) or TUN name: the
   * running one closes first, and if the new one cannot open, this makes one like the running one to
   * open again (packets sent meanwhile, a few milliseconds, are not received).
   */
  reopenDevices?: () => Port;
  /** The same for the network TUN (same name, other addresses or MTU). */
  reopenNetwork?: () => TunPort;
  /** As LiveGatewayOptions.replyPort (read when given, or when the devices port changes). */
  replyPort?: number;
  gatewayMac?: Uint8Array;
}

export interface LiveGatewayStatus {
  mode: LiveMode;
  counters: LiveGatewayCounters;
  junction: JunctionStatus;
}

export interface LiveGatewayCounters {
  /** Datagrams returned to their sender (bump in the wire). */
  returned: number;
  /** Packets written to the network port. */
  toNetwork: number;
  /** Packets sent toward devices (re-encapsulated, or written to the devices TUN). */
  toDevices: number;
  /** Return packets for no device, or for a device whose tunnel endpoint is not known yet. */
  noRoute: number;
  /** Tunnel datagrams without an IP packet inside that were not answered (dropped in VPG mode). */
  nonIp: number;
  arpReplies: number;
  /** Neighbor Advertisements sent for devices' Neighbor Solicitations (proxy ND, IPv6 over Ethernet tunnels). */
  ndReplies: number;
}

export class LiveGateway {
  /** Changes only with the ports (switchPorts, a reload of gateway.ports). */
  mode: LiveMode;
  readonly counters: LiveGatewayCounters = { returned: 0, toNetwork: 0, toDevices: 0, noRoute: 0, nonIp: 0, arpReplies: 0, ndReplies: 0 };
  /** Re-created when the devices port changes (the kept tunnel headers belong to the old port). */
  endpoints = new DeviceEndpoints();
  readonly junction: LiveJunction;
  /** Bump mode with redirection: the way back of packets the peer returns (live-bump-paths.ts); else null. */
  bumpPaths: BumpPaths | null = null;
  private readonly pipeline: Pipeline;
  /** The running ports: replaced by switchPorts. */
  private devPort: Port;
  private tunnel: UdpTunnelPort | null;
  private devTun: TunPort | null;
  private net: TunPort | null;
  private replyPort: number;
  private mac: Uint8Array;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private directory: DeviceDirectory | null;
  private readonly afterPacket: () => void;

  constructor(private readonly opts: LiveGatewayOptions) {
    this.pipeline = opts.pipeline;
    this.afterPacket = opts.afterPacket ?? NOOP;
    const d = opts.devices;
    this.devPort = d;
    this.tunnel = d instanceof UdpTunnelPort ? d : null;
    this.devTun = d instanceof TunPort ? d : null;
    this.net = opts.network ?? null;
    this.mode = modeOf(d, this.net);
    this.replyPort = opts.replyPort ?? this.tunnel?.defaultPeerPort ?? 0;
    this.mac = opts.gatewayMac ?? DEFAULT_GATEWAY_MAC;
    this.checkRedirection(opts.redirection);
    this.directory = opts.directory ?? null;
    if (this.tunnel?.kind === 'gtpu') this.endpoints.setDownlinkTeids(this.directory);
    this.junction = new LiveJunction({
      pipeline: opts.pipeline,
      directory: opts.directory,
      mirroring: opts.mirroring,
      redirection: opts.redirection,
      redirectBindAddress: opts.redirectBindAddress,
      onReturned: this.onReturned,
      onReturnedBatch: this.afterReturnedBatch,
    });
  }

  /**
   * A new Junction config and device directory while running (`fleetgate gateway` on SIGHUP): applied
   * between batches, ports untouched (see LiveJunction.reconfigure). The caller hands the same
   * directory to Pipeline.applyConfig. Throws FleetgateError, changing nothing, when redirection is
   * enabled in a mode that cannot redirect.
   */
  async reconfigure(c: { mirroring?: MirroringConfig; redirection?: RedirectionConfig; directory?: DeviceDirectory }): Promise<JunctionChange> {
    this.checkRedirection(c.redirection);
    if (c.directory) this.directory = c.directory;
    if (c.directory && this.tunnel?.kind === 'gtpu') this.endpoints.setDownlinkTeids(c.directory);
    return this.junction.reconfigure(c.mirroring, c.redirection, c.directory);
  }

  private checkRedirection(r: RedirectionConfig | undefined): void {
    if (r?.enabled && this.mode === 'file') {
      throw new FleetgateError('FG_ERR_USAGE', 'gateway.junction.redirection needs a gateway that forwards packets (bump, vpg or routed mode), not file: use a vxlan, geneve, gtpu or tun devices port, or disable redirection');
    }
    // bump: a returned packet goes back the way its datagram came, kept per redirected flow (allocated once)
    if (r?.enabled && this.mode === 'bump' && this.bumpPaths === null) this.bumpPaths = new BumpPaths(this.pipeline.flows);
  }

  /** Forwarding counters, mirror peers and redirection peers (allocates: call it off the data path). */
  status(): LiveGatewayStatus {
    return { mode: this.mode, counters: { ...this.counters }, junction: this.junction.status() };
  }

  /** The devices port running now. */
  get devicesPort(): Port {
    return this.devPort;
  }

  /** The network port running now, if any. */
  get networkPort(): TunPort | null {
    return this.net;
  }

  /** Starts the network port first (so nothing arrives with nowhere to go), then the devices port. */
  async start(): Promise<void> {
    await this.junction.start();
    const net = this.net;
    if (net) await net.start((b) => this.fromNetworkPort(net, b));
    const dev = this.devPort;
    try {
      await dev.start((b) => this.fromDevicesPort(dev, b));
    } catch (e) {
      await this.net?.stop();
      await this.junction.stop();
      throw e;
    }
    this.running = true;
    if (this.mode !== 'file') {
      // live ports stamp packets with the wall clock: close report intervals on time even when idle
      this.timer = setInterval(() => this.pipeline.inspection.advance(nowUs()), IDLE_TICK_MS);
      this.timer.unref();
    }
  }

  /** Stops the ports and ends every flow (the last reports are emitted). Idempotent. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.devPort.stop();
    await this.net?.stop();
    await this.junction.stop();
    if (this.running) this.pipeline.finish();
    this.running = false;
  }

  /**
   * Moves the gateway onto new ports while running (a reload of gateway.ports); the pipeline (flows,
   * open report intervals) stays. The new ports are started first: if one cannot open, the ones already
   * started are closed and the error is thrown, the running ports untouched. Then, synchronously (no
   * batch in between), the new ports take over and the replaced ones are closed. A port not given is
   * kept as it runs. Forwarding state tied to the old devices port (device endpoints, bump paths of
   * redirected flows) is dropped and learned again; the caller then re-applies the Junction
   * (reconfigure), which rebuilds what the mode needs.
   */
  async switchPorts(s: LivePortsSwitch): Promise<void> {
    const devices = s.devices ?? this.devPort;
    const network = s.network === undefined ? this.net : s.network;
    const mode = modeOf(devices, network);
    if (mode === 'file' || this.mode === 'file') {
      throw new FleetgateError('FG_ERR_USAGE', `a pcap port cannot be switched to or from while running (${this.mode} → ${mode}): restart the gateway`);
    }
    // a new port on the running one's socket or TUN name cannot open beside it: that one closes first
    const closedFirst: Port[] = [];
    if (s.network && s.reopenNetwork && this.net) closedFirst.push(this.net);
    if (s.devices && s.reopenDevices) closedFirst.push(this.devPort);
    for (const p of closedFirst) await p.stop();
    const started: Port[] = [];
    try {
      if (s.network) {
        const net = s.network;
        await net.start((b) => this.fromNetworkPort(net, b));
        started.push(net);
      }
      if (s.devices) {
        const dev = s.devices;
        await dev.start((b) => this.fromDevicesPort(dev, b));
        started.push(dev);
      }
    } catch (e) {
      for (const p of started) await p.stop();
      if (closedFirst.length > 0) await this.reopenRunning(s, e);
      throw e;
    }
    const oldDevices = this.devPort;
    const oldNetwork = this.net;
    this.devPort = devices;
    this.tunnel = devices instanceof UdpTunnelPort ? devices : null;
    this.devTun = devices instanceof TunPort ? devices : null;
    this.net = network;
    this.mode = mode;
    if (s.replyPort !== undefined || s.devices) this.replyPort = s.replyPort ?? this.tunnel?.defaultPeerPort ?? 0;
    if (s.gatewayMac) this.mac = s.gatewayMac;
    if (s.devices) {
      this.endpoints = new DeviceEndpoints();
      if (this.tunnel?.kind === 'gtpu') this.endpoints.setDownlinkTeids(this.directory);
      this.bumpPaths = null; // rebuilt by the caller's reconfigure (checkRedirection) when bump mode redirects
    } else if (mode !== 'bump') this.bumpPaths = null;
    // closing stops their reads at once (port.stop is synchronous up to its first await)
    const closing: Promise<void>[] = [];
    if (s.devices) closing.push(oldDevices.stop());
    if (s.network !== undefined && oldNetwork) closing.push(oldNetwork.stop());
    await Promise.all(closing);
  }

  /**
   * A switch whose new port could not open after the running one closed for it: ports like the running
   * ones (same settings) open again in their place. Throws, naming both problems, when they cannot.
   */
  private async reopenRunning(s: LivePortsSwitch, first: unknown): Promise<void> {
    try {
      if (s.reopenNetwork && this.net) {
        const net = s.reopenNetwork();
        await net.start((b) => this.fromNetworkPort(net, b));
        this.net = net;
      }
      if (s.reopenDevices) {
        const dev = s.reopenDevices();
        await dev.start((b) => this.fromDevicesPort(dev, b));
        this.devPort = dev;
        this.tunnel = dev instanceof UdpTunnelPort ? dev : null;
        this.devTun = dev instanceof TunPort ? dev : null;
      }
    } catch (e) {
      const why = (x: unknown) => (x instanceof Error ? x.message : String(x));
      throw new PortsLostError(`${why(first)}; and the running port could not open again: ${why(e)}`);
    }
  }

  /** A batch from a devices port: forwarded when it is the running one, else only counted (a port being replaced). */
  private fromDevicesPort(port: Port, b: FrameBatch): void {
    if (port === this.devPort) this.onDeviceBatch(b);
    else this.countOnly(b);
  }

  private fromNetworkPort(port: TunPort, b: FrameBatch): void {
    if (port === this.net) this.onNetworkBatch(b);
    else this.countOnly(b);
  }

  private countOnly(b: FrameBatch): void {
    const pl = this.pipeline;
    for (let i = 0; i < b.count; i++) {
      pl.processFrame(b.buf, b.off[i], b.capLen[i], b.wireLen[i], b.tsUs[i], b.linkType[i], b.ifIndex[i]);
      this.afterPacket();
    }
  }

  private onDeviceBatch(b: FrameBatch): void {
    const pl = this.pipeline;
    const j = this.junction;
    const n = b.count;
    for (let i = 0; i < n; i++) {
      pl.processFrame(b.buf, b.off[i], b.capLen[i], b.wireLen[i], b.tsUs[i], b.linkType[i], b.ifIndex[i]);
      this.afterPacket();
      j.mirror();
      if (this.tunnel) this.fromTunnel(this.tunnel, i);
      else if (this.devTun) this.routed(b, i, this.net ?? this.devTun);
    }
    j.afterBatch();
    this.opts.afterBatch?.();
  }

  private onNetworkBatch(b: FrameBatch): void {
    const pl = this.pipeline;
    const n = b.count;
    for (let i = 0; i < n; i++) {
      if (this.tunnel) {
        // processed once re-encapsulated, so it joins the same flow as the device's uplink (same tunnel)
        if (!this.toTunnel(this.tunnel, b.buf, b.off[i], b.capLen[i], b.tsUs[i], b.ifIndex[i], true)) {
          pl.processFrame(b.buf, b.off[i], b.capLen[i], b.wireLen[i], b.tsUs[i], b.linkType[i], b.ifIndex[i]);
          this.afterPacket();
          this.counters.noRoute++;
        }
        continue;
      }
      pl.processFrame(b.buf, b.off[i], b.capLen[i], b.wireLen[i], b.tsUs[i], b.linkType[i], b.ifIndex[i]);
      this.afterPacket();
      this.junction.mirror();
      if (this.devTun) this.routed(b, i, this.devTun);
    }
    this.tunnel?.flush();
    this.junction.afterBatch();
    this.opts.afterBatch?.();
  }

  /** Routed mode: the packet as read goes out of `out`. */
  private routed(b: FrameBatch, i: number, out: TunPort): void {
    if (this.junction.redirect()) return;
    if (!out.write(b.buf, b.off[i], b.capLen[i])) return;
    const p = this.pipeline.view;
    const idx = p.flowIdx;
    const a = this.pipeline.attrs;
    // direction from the flow: what the device sent goes toward the network
    if (idx >= 0 && a.device[idx] >= 0 && p.flowDir !== a.deviceSide[idx]) this.counters.toDevices++;
    else this.counters.toNetwork++;
  }

  /** A datagram from a device's tunnel endpoint, just processed: return it, or forward its inner packet. */
  private fromTunnel(port: UdpTunnelPort, i: number): void {
    const p = this.pipeline.view;
    if (p.tunnelDepth === 0) return; // not a tunnel packet: the pipeline counted it, nothing to forward
    const buf = p.buf;
    const dgOff = port.datagramOff(i);
    const kind = p.tunnelKind[0];
    const innerOff = p.tunnelHdrOff[0] + p.tunnelHdrLen[0];
    const ethernet = kind === TunnelKind.VXLAN || (kind === TunnelKind.GENEVE && geneveProtocol(buf, p.tunnelHdrOff[0]) === ETHERTYPE_TEB);
    // bump in the wire is transparent (everything goes back as it came); a VPG answers ARP itself
    if (this.net !== null && ethernet && p.ipVersion === 0 && isAnswerableArpRequest(buf, innerOff, p.frameEnd - innerOff)) {
      if (this.answerInTunnel(port, i, dgOff, innerOff, ARP_FRAME_LEN, writeArpReply)) this.counters.arpReplies++;
      return;
    }
    if (this.net !== null && ethernet && p.ipVersion === 6 && isAnswerableNeighborSolicitation(buf, innerOff, p.frameEnd - innerOff)) {
      if (this.answerInTunnel(port, i, dgOff, innerOff, NA_FRAME_LEN, writeNeighborAdvertisement)) this.counters.ndReplies++;
      return;
    }
    if (this.net === null) {
      // bump with redirection: a redirected flow's packet went to the peer; keep its way back
      if (this.bumpPaths !== null && this.junction.redirect()) {
        this.bumpPaths.remember(p.flowIdx, p.flowDir, port.peerAddr[i], port.peerPort[i], buf, dgOff, p.l3Off - dgOff);
        return;
      }
      if (port.reply(i, this.replyPort)) this.counters.returned++;
      return;
    }
    if (p.ipVersion === 0 || p.l3Off < 0) {
      this.counters.nonIp++;
      return;
    }
    const idx = p.flowIdx;
    if (idx >= 0) {
      const a = this.pipeline.attrs;
      // learn only from packets the device itself sent
      if (a.device[idx] >= 0 && p.flowDir === a.deviceSide[idx]) {
        const macOff = ethernet ? innerOff + 6 : -1;
        if (p.ipVersion === 4) this.endpoints.learn(ipv4Key(buf, p.srcAddrOff), port.peerAddr[i], port.peerPort[i], buf, dgOff, innerOff - dgOff, macOff);
        else this.endpoints.learn6(buf, p.srcAddrOff, port.peerAddr[i], port.peerPort[i], buf, dgOff, innerOff - dgOff, macOff);
      }
    }
    if (this.junction.redirect()) return;
    let len = p.ipLen;
    if (len <= 0 || p.l3Off + len > p.frameEnd) len = p.frameEnd - p.l3Off;
    if (this.net.write(buf, p.l3Off, len)) this.counters.toNetwork++;
  }

  /**
   * An IP packet src[from, from + len) for the devices (from the network TUN, or returned by a
   * redirection peer): if it is for a device whose endpoint is known, re-encapsulate it with that
   * device's tunnel header (behind a synthetic outer header, like received datagrams), run it through
   * the pipeline when `process` (then it may be mirrored, or redirected instead of sent) and queue it
   * to the endpoint. False when there is no route.
   */
  private toTunnel(port: UdpTunnelPort, src: Uint8Array, from: number, capLen: number, tsUs: number, ifIndex: number, process: boolean): boolean {
    let len = capLen;
    const v = len >= 20 ? src[from] >> 4 : 0;
    const ep = this.endpoints;
    let dev = -1;
    if (v === 4) {
      dev = ep.find(ipv4Key(src, from + 16));
      const ipLen = (src[from + 2] << 8) | src[from + 3];
      if (ipLen >= 20 && ipLen < len) len = ipLen;
    } else if (v === 6 && len >= 40) {
      dev = ep.find6(src, from + 24);
      const ipLen = 40 + ((src[from + 4] << 8) | src[from + 5]); // 0 payload length (jumbogram): as read
      if (ipLen > 40 && ipLen < len) len = ipLen;
    }
    if (dev < 0) return false;
    const etherType = v === 4 ? 0x0800 : 0x86dd;
    const hl = ep.hdrLen[dev];
    const eth = ep.ethernet[dev] === 1 ? ETH_LEN : 0;
    const dlen = hl + eth + len;
    const o = port.reserve(OUTER_LEN + dlen);
    if (o < 0) {
      port.counters.txDrops++;
      return true;
    }
    const out = port.sendBuf;
    const d = o + OUTER_LEN;
    const h = dev * MAX_TUNNEL_HDR;
    for (let k = 0; k < hl; k++) out[d + k] = ep.hdr[h + k];
    const kind = port.kind;
    if (kind === 'gtpu') {
      const gl = hl - 8 + len; // GTP-U length: everything after the 8 mandatory header bytes
      out[d + 1] = 255; // G-PDU
      out[d + 2] = gl >> 8;
      out[d + 3] = gl & 0xff;
    } else if (kind === 'geneve' && eth === 0) {
      out[d + 2] = etherType >> 8;
      out[d + 3] = etherType & 0xff;
    }
    let w = d + hl;
    if (eth > 0) {
      const m = dev * 6;
      for (let k = 0; k < 6; k++) {
        out[w + k] = ep.mac[m + k];
        out[w + 6 + k] = this.mac[k];
      }
      out[w + 12] = etherType >> 8;
      out[w + 13] = etherType & 0xff;
      w += ETH_LEN;
    }
    for (let k = 0; k < len; k++) out[w + k] = src[from + k];
    const wk = port.defaultPeerPort;
    writeIpv4Simple(out, o, 0, ep.addr[dev], 17, 8 + dlen, 0, 64, false);
    writeUdp(out, o + 20, wk, wk, dlen);
    if (process) {
      this.pipeline.processFrame(out, o, OUTER_LEN + dlen, OUTER_LEN + dlen, tsUs, LinkType.IPV4, ifIndex);
      this.afterPacket();
      this.junction.mirror();
      if (this.junction.redirect()) return true; // the reservation is simply not committed
    }
    port.commit(dlen, ep.addr[dev], this.replyPort === 0 ? ep.port[dev] : this.replyPort, OUTER_LEN);
    this.counters.toDevices++;
    return true;
  }

  /**
   * A packet a redirection peer returned (already processed on its way to the peer): it continues to
   * its destination. VPG: a device's packet goes back into the device's tunnel, anything else to the
   * network TUN. Routed: a packet for a device to the devices TUN, anything else to the network side.
   * Bump: back to the sender of its flow's datagrams, in the tunnel header they came with (returnBump).
   */
  private readonly onReturned = (buf: Uint8Array, off: number, len: number, ethernet: boolean): void => {
    const c = this.junction.counters;
    let ip = off;
    if (ethernet) {
      const t = len >= ETH_LEN ? (buf[off + 12] << 8) | buf[off + 13] : 0;
      if (t !== 0x0800 && t !== 0x86dd) {
        c.returnedDropped++;
        return;
      }
      ip = off + ETH_LEN;
    }
    const ipLen = off + len - ip;
    const v = ipLen >= 20 ? buf[ip] >> 4 : 0;
    if (v !== 4 && v !== 6) {
      c.returnedDropped++;
      return;
    }
    if (this.tunnel !== null && this.net === null) {
      this.returnBump(this.tunnel, buf, ip, ipLen);
      return;
    }
    if (this.tunnel !== null) {
      if (this.toTunnel(this.tunnel, buf, ip, ipLen, nowUs(), 0, false)) {
        c.returned++;
        return;
      }
      if (this.net?.write(buf, ip, ipLen)) {
        this.counters.toNetwork++;
        c.returned++;
      } else c.returnedDropped++;
      return;
    }
    const dt = this.devTun;
    if (dt === null) {
      c.returnedDropped++;
      return;
    }
    const toDevice = this.net !== null && (v === 4 ? this.isDeviceAddress(buf, ip + 16, 4) : ipLen >= 40 && this.isDeviceAddress(buf, ip + 24, 6));
    const out = toDevice || this.net === null ? dt : this.net;
    if (out.write(buf, ip, ipLen)) {
      c.returned++;
      if (toDevice) this.counters.toDevices++;
      else this.counters.toNetwork++;
    } else c.returnedDropped++;
  };

  /** After a batch of returned packets: what onReturned queued on the tunnel port goes out in one send. */
  private readonly afterReturnedBatch = (): void => {
    this.tunnel?.flush();
  };

  /**
   * Bump mode: the IP packet buf[ip, ip + len) a peer returned goes to the sender of its flow's
   * datagrams in that direction, behind the header they came with (BumpPaths), as bump mode returns
   * them. Without a kept path it is dropped (junction returnedDropped, bumpPaths.noPath).
   */
  private returnBump(port: UdpTunnelPort, buf: Uint8Array, ip: number, len: number): void {
    const c = this.junction.counters;
    const paths = this.bumpPaths;
    // the IP header's length: a short Ethernet frame from the peer is padded
    if (buf[ip] >> 4 === 4) {
      const l = (buf[ip + 2] << 8) | buf[ip + 3];
      if (l >= 20 && l < len) len = l;
    } else if (len >= 40) {
      const l = 40 + ((buf[ip + 4] << 8) | buf[ip + 5]);
      if (l > 40 && l < len) len = l;
    }
    const d = paths === null ? -1 : paths.find(buf, ip, len);
    if (paths === null || d < 0) {
      c.returnedDropped++;
      return;
    }
    const o = port.reserve(paths.prefixLen(d) + len);
    if (o < 0) {
      port.counters.txDrops++;
      c.returnedDropped++;
      return;
    }
    const n = paths.writeDatagram(d, port.sendBuf, o, buf, ip, len, port.kind === 'gtpu');
    port.commit(n, paths.addr, this.replyPort === 0 ? paths.port : this.replyPort);
    c.returned++;
    this.counters.returned++;
  }

  /** True when the IPv4 or IPv6 address at buf[off] is a device of the directory (routed mode, returned packets). */
  private isDeviceAddress(buf: Uint8Array, off: number, ipVersion: 4 | 6): boolean {
    const d = this.directory;
    if (!d) return false;
    // attribute() looks at both addresses: give the same one twice, side 0 = it is the device
    const dev = d.attribute(buf, off, off, ipVersion, -1, this.side);
    return dev >= 0;
  }

  private readonly side = { side: 0 as 0 | 1 };

  /**
   * The gateway's own answer to an ARP request or a Neighbor Solicitation just processed (proxy ARP /
   * ND), in the tunnel header it came with, back to its sender. Not processed: it is not device traffic
   * (an NA would also make the solicited address, inside the device subnet, an unregistered device).
   * Returns false when the port's send queue is full (counted in txDrops).
   */
  private answerInTunnel(port: UdpTunnelPort, i: number, dgOff: number, innerOff: number, frameLen: number, write: NeighbourAnswerWriter): boolean {
    const hl = innerOff - dgOff;
    const o = port.reserve(hl + frameLen);
    if (o < 0) {
      port.counters.txDrops++;
      return false;
    }
    const out = port.sendBuf;
    const buf = this.pipeline.view.buf;
    for (let k = 0; k < hl; k++) out[o + k] = buf[dgOff + k];
    write(out, o + hl, buf, innerOff, this.mac);
    port.commit(hl + frameLen, port.peerAddr[i], this.replyPort === 0 ? port.peerPort[i] : this.replyPort);
    return true;
  }
}


/** The mode a devices port and an optional network TUN make (see the top of this file). */
function modeOf(devices: Port, network: TunPort | null): LiveMode {
  if (devices.kind === 'pcap') {
    if (network) throw new Error('a pcap port forwards nothing: no network port');
    return 'file';
  }
  if (devices instanceof TunPort) return 'routed';
  return network ? 'vpg' : 'bump';
}

/** Writes the answer frame to the request frame at req[reqOff] into out[outOff] (writeArpReply, writeNeighborAdvertisement). */
type NeighbourAnswerWriter = (out: Uint8Array, outOff: number, req: Uint8Array, reqOff: number, ourMac: Uint8Array) => number;

/** IPv4 address at buf[off] as a signed 32-bit int (a small-integer Map key on 64-bit V8). */
function ipv4Key(buf: Uint8Array, off: number): number {
  return (buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3];
}
