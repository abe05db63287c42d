// The classify stage: which application each flow is, and how that was decided.
//
// New flow → a port-based guess at once (so reports are never without a name) and, for TCP/UDP, the
// DPI engine starts. Payload packets feed the engine until it is done (its budget). The application
// is then named from, in order: the DPI protocol + the flow's own host name (SNI, Host, query) looked
// up in the catalog (custom definitions first); the device's DNS cache (address → name it resolved);
// the catalog by address or port; the well-known port. DNS responses teach the per-device cache.

import type { PacketView } from '../core/packet-view.js';
import { growDense } from '../core/dense-array.js';
import { IpProto } from '../core/layers.js';
import { ClassifyEngine, DISSECTORS, type AppMeta } from '../classify/index.js';
import { AppLabels } from '../classify/app-labels.js';
import { portApp, appName } from '../classify/port-apps.js';
import { icmpTypeName } from '../classify/protocols/icmp.js';
import type { AppCatalog, CatalogHit } from '../classify/catalog/index.js';
import { DnsCache } from '../classify/dns-cache.js';
import type { FlowTable } from '../flow/flow-table.js';
import { AppMethod, type FlowAttributes } from './flow-attributes.js';

export interface ClassifyStageOptions {
  /** Replaced by `setCatalog` when the configuration changes (applies to flows named afterwards). */
  catalog: AppCatalog;
  /** Keep each flow's metadata until it ends (for metadata records). */
  keepMeta: boolean;
  /** Run DPI at all (off: port-based names only, for comparison benchmarks). */
  dpi?: boolean;
}

/** Protocols whose host name is a query, not the remote's name. */
const LOOKUP_PROTOCOLS: ReadonlySet<string> = new Set(['DNS', 'MDNS', 'LLMNR', 'NetBIOS']);

export class ClassifyStage {
  readonly labels = new AppLabels();
  readonly dnsCache = new DnsCache();
  private readonly engine: ClassifyEngine;
  /** 1 while DPI still wants the flow's payload packets (the replay's fast path leaves such a flow to the full path). */
  readonly classifying: Uint8Array;
  private readonly dnsLearned: Uint8Array;
  /** DPI protocol per flow (null = none matched), kept for records. */
  private readonly protoByFlow: (string | null)[];
  private readonly hostByFlow: (string | undefined)[];
  private readonly metaByFlow: (AppMeta | undefined)[];
  private readonly addr = new Uint8Array(16);
  private readonly dpi: boolean;

  constructor(
    private readonly flows: FlowTable,
    private readonly attrs: FlowAttributes,
    private readonly opts: ClassifyStageOptions,
  ) {
    const n = flows.capacity;
    this.engine = new ClassifyEngine(n, DISSECTORS);
    this.classifying = new Uint8Array(n);
    this.dnsLearned = new Uint8Array(n);
    // grown in flowCreated (growDense): an index is always created before it is read
    this.protoByFlow = [];
    this.hostByFlow = [];
    this.metaByFlow = [];
    this.dpi = opts.dpi ?? true;
  }

  /** First packet of a new flow: a port-based name now; DPI starts for TCP/UDP. */
  flowCreated(idx: number, p: PacketView): void {
    const a = this.attrs;
    if (idx >= this.protoByFlow.length) {
      growDense(this.protoByFlow, idx, null);
      growDense(this.hostByFlow, idx, undefined);
      growDense(this.metaByFlow, idx, undefined);
      this.engine.reserve(idx);
    }
    this.protoByFlow[idx] = null;
    this.hostByFlow[idx] = undefined;
    this.metaByFlow[idx] = undefined;
    this.dnsLearned[idx] = 0;
    if (p.ipProto === IpProto.ICMP || p.ipProto === IpProto.ICMPV6) {
      const proto = p.ipProto === IpProto.ICMP ? 'ICMP' : 'ICMPV6';
      a.app[idx] = this.labels.intern(`${proto}.${icmpTypeName(p.ipVersion, p.icmpType)}`);
      a.appMethod[idx] = AppMethod.DPI;
      this.protoByFlow[idx] = proto;
      return;
    }
    a.app[idx] = portApp(p.ipProto, p.srcPort, p.dstPort);
    a.appMethod[idx] = AppMethod.PORT;
    if (this.dpi && (p.ipProto === IpProto.TCP || p.ipProto === IpProto.UDP) && !p.isFragment) {
      this.engine.start(idx, p.ipProto === IpProto.TCP ? 'tcp' : 'udp', p.srcPort, p.dstPort);
      this.classifying[idx] = 1;
    } else {
      this.nameWithoutDpi(idx, p.tsUs);
    }
  }

  /** Every packet of a flow; cheap unless the flow is still being classified. */
  packet(idx: number, p: PacketView): void {
    if (this.classifying[idx] === 0 || p.payloadLen === 0 || p.l4Off < 0) return;
    const data = p.buf.subarray(p.payloadOff, p.payloadOff + p.payloadLen);
    const status = this.engine.feed(idx, data, p.flowDir as 0 | 1, p.tcpSeq);
    if (status === 'classifying') return;
    const peek = this.engine.peek(idx);
    const proto = peek ? this.refined(idx, peek.proto) : null;
    if (peek && proto === 'DNS' && this.dnsLearned[idx] === 0) this.learnDns(idx, peek.meta, p.tsUs);
    if (status === 'done') this.finish(idx, p.tsUs);
    else if (peek && this.protoByFlow[idx] !== proto) this.applyName(idx, peek.proto, peek.meta, p.tsUs);
  }

  /** The flow ends: settle its name if DPI was still running. */
  flowEnded(idx: number, nowUs: number): void {
    if (this.classifying[idx] !== 0) this.finish(idx, nowUs);
  }

  /** What records need about a finished flow; releases the flow's side data. */
  release(idx: number): { proto: string | null; meta: AppMeta; host?: string } {
    const out = { proto: this.protoByFlow[idx], meta: this.metaByFlow[idx] ?? {}, host: this.hostByFlow[idx] };
    this.protoByFlow[idx] = null;
    this.hostByFlow[idx] = undefined;
    this.metaByFlow[idx] = undefined;
    return out;
  }

  setCatalog(catalog: AppCatalog): void {
    this.opts.catalog = catalog;
  }

  hostOf(idx: number): string | undefined {
    return this.hostByFlow[idx];
  }

  /**
   * The remote end's host name, for reports: the flow's host name, except for name-lookup flows (DNS,
   * mDNS, LLMNR, NetBIOS), whose host name is the name asked about, not the name of the server asked.
   */
  destinationName(idx: number): string | undefined {
    const host = this.hostByFlow[idx];
    if (host === undefined) return undefined;
    const proto = this.protoByFlow[idx];
    return proto !== null && LOOKUP_PROTOCOLS.has(proto) ? undefined : host;
  }

  private finish(idx: number, nowUs: number): void {
    const res = this.engine.finish(idx);
    this.classifying[idx] = 0;
    if (this.refined(idx, res.proto) === 'DNS' && this.dnsLearned[idx] === 0) this.learnDns(idx, res.meta, nowUs);
    if (res.proto) this.applyName(idx, res.proto, res.meta, nowUs);
    else this.nameWithoutDpi(idx, nowUs);
    if (this.opts.keepMeta) this.metaByFlow[idx] = res.meta;
  }

  private refined(idx: number, proto: string | null): string | null {
    return refineProto(proto, this.flows.portA[idx], this.flows.portB[idx]);
  }

  private applyName(idx: number, proto: string | null, meta: AppMeta, nowUs: number): void {
    proto = this.refined(idx, proto);
    this.protoByFlow[idx] = proto;
    let host = meta.hostname;
    let method: number = AppMethod.DPI;
    let hit: CatalogHit | null = null;
    if (host) hit = this.opts.catalog.byHost(host);
    if (!hit && (proto === null || !LOOKUP_PROTOCOLS.has(proto))) {
      const cached = this.cachedName(idx, nowUs);
      if (cached) {
        host ??= cached;
        const h = this.opts.catalog.byHost(cached);
        if (h) {
          hit = h;
          method = AppMethod.DNS_CACHE;
        }
      }
    }
    if (!hit) hit = this.remoteHit(idx);
    this.hostByFlow[idx] = host;
    const base = proto ?? appName(this.attrs.app[idx]);
    this.attrs.app[idx] = hit ? this.labels.intern(`${base}.${hit.app}`, hit.category) : this.labels.intern(base);
    this.attrs.appMethod[idx] = method;
  }

  /** No DPI result: the DNS cache, then the catalog by address/port, then the port name stays. */
  private nameWithoutDpi(idx: number, nowUs: number): void {
    const portName = appName(this.attrs.app[idx]);
    const prefix = portName === 'Unknown' ? '' : `${portName}.`;
    const cached = this.cachedName(idx, nowUs);
    if (cached) {
      this.hostByFlow[idx] = cached;
      const h = this.opts.catalog.byHost(cached);
      if (h) {
        this.attrs.app[idx] = this.labels.intern(`${prefix}${h.app}`, h.category);
        this.attrs.appMethod[idx] = AppMethod.DNS_CACHE;
        return;
      }
    }
    const hit = this.remoteHit(idx);
    if (hit) {
      this.attrs.app[idx] = this.labels.intern(`${prefix}${hit.app}`, hit.category);
      this.attrs.appMethod[idx] = AppMethod.CATALOG;
    }
  }

  private remoteSide(idx: number): 0 | 1 {
    // the device's peer; without a device, side B (the responder)
    return this.attrs.device[idx] >= 0 && this.attrs.deviceSide[idx] === 1 ? 0 : 1;
  }

  private loadRemote(idx: number): { version: 4 | 6; port: number } {
    const side = this.remoteSide(idx);
    if (side === 0) this.flows.addrA(idx, this.addr);
    else this.flows.addrB(idx, this.addr);
    return { version: this.flows.ipVersion[idx] as 4 | 6, port: side === 0 ? this.flows.portA[idx] : this.flows.portB[idx] };
  }

  private cachedName(idx: number, nowUs: number): string | null {
    const r = this.loadRemote(idx);
    return this.dnsCache.lookup(this.attrs.device[idx], this.addr, 0, r.version, nowUs);
  }

  private remoteHit(idx: number): CatalogHit | null {
    const r = this.loadRemote(idx);
    const byIp = this.opts.catalog.byAddress(this.addr, 0, r.version);
    if (byIp) return byIp;
    const proto = this.flows.proto[idx];
    if (proto !== IpProto.TCP && proto !== IpProto.UDP) return null;
    return this.opts.catalog.byPort(proto === IpProto.TCP ? 'tcp' : 'udp', r.port);
  }

  private learnDns(idx: number, meta: AppMeta, nowUs: number): void {
    const dns = meta.dns;
    if (!dns || dns.type !== 'response' || !dns.answers?.length) return;
    this.dnsLearned[idx] = 1;
    const q = dns.queries[0]?.rrname ?? dns.answers[0].rrname;
    this.dnsCache.learn(this.attrs.device[idx], dns.answers, q, nowUs);
  }
}

/**
 * Protocols that share another's wire format are named by their own port: mDNS (5353), LLMNR (5355)
 * and NetBIOS name service (137) speak the DNS message format but are different protocols.
 */
const DNS_VARIANTS: Record<number, string> = { 5353: 'MDNS', 5355: 'LLMNR', 137: 'NetBIOS' };

export function refineProto(proto: string | null, portA: number, portB: number): string | null {
  if (proto !== 'DNS') return proto;
  return DNS_VARIANTS[portB] ?? DNS_VARIANTS[portA] ?? proto;
}
