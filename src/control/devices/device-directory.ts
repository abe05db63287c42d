// Which device a flow belongs to, decided once per new flow (docs/config.md, "How traffic is
// attributed to devices"). Rules, in order:
//  1. GTP-U: a TEID declared in the config picks that device (its uplink `teid`, else its
//     `downlinkTeid`: a flow the network starts arrives re-encapsulated with the downlink TEID).
//  2. Device subnets declared (config or --device-subnet): the side inside a subnet is the device
//     (both inside: side A); declared IPs give their device, other IPs become unregistered devices.
//  3. Nothing declared: the private-range side (side A first) is the device; both public: side A.
import { ConfigError } from '../../core/errors.js';
import { cidrContains, formatBytes, parseAddress, parseCidr } from '../config/cidr.js';
import type { Cidr } from '../config/cidr.js';
import type { DeviceConfig, FleetConfig } from '../config/types.js';
import { isPrivateV4, isPrivateV6, v4Key, v6Key } from './address-key.js';

export interface DeviceInfo {
  /** Stable index, 0..count-1: declared devices first, in config order, then unregistered ones in order of first sight. */
  readonly idx: number;
  readonly imsi?: string;
  readonly ip: string;
  readonly name?: string;
  readonly group?: string;
  readonly tags?: readonly string[];
  readonly teid?: number;
  /** GTP-U TEID for downlink G-PDUs (VPG mode re-encapsulation); absent = the TEID last seen uplink. */
  readonly downlinkTeid?: number;
  /** false for devices created on first sight from an undeclared address. */
  readonly registered: boolean;
}

export interface DeviceDirectoryOptions {
  devices?: readonly DeviceConfig[];
  /** CIDR texts; invalid ones throw ConfigError with path `--device-subnet`. */
  subnets?: readonly string[];
  /** Bound on unregistered devices; beyond it new addresses are counted in `unregisteredOverflow` and get -1. Default 100000. */
  maxUnregistered?: number;
}

export const DEFAULT_MAX_UNREGISTERED = 100_000;

export type AttributionMode = 'subnets' | 'private-ranges';

export class DeviceDirectory {
  /** 'subnets' when device subnets are declared (rule 2), else 'private-ranges' (rule 3). */
  readonly mode: AttributionMode;
  readonly maxUnregistered: number;
  /** Addresses that would have become unregistered devices after the bound was reached (one per flow). */
  unregisteredOverflow = 0;

  private readonly infos: DeviceInfo[] = [];
  private readonly byV4 = new Map<number, number>();
  private readonly byV6 = new Map<string, number>();
  private readonly byTeid = new Map<number, number>();
  private readonly byDownlinkTeid = new Map<number, number>();
  /** Address bytes of each device (4 or 16), for the TEID rule's side check. */
  private readonly addrOf: Uint8Array[] = [];
  private readonly v4Net: Uint32Array;
  private readonly v4Mask: Uint32Array;
  private readonly v6Subnets: Cidr[] = [];
  private readonly registered: number;
  private unregistered = 0;

  constructor(opts: DeviceDirectoryOptions = {}) {
    this.maxUnregistered = opts.maxUnregistered ?? DEFAULT_MAX_UNREGISTERED;
    const v4: Cidr[] = [];
    for (const text of opts.subnets ?? []) {
      const r = parseCidr(text.trim());
      if (!r.ok) throw new ConfigError('--device-subnet', r.problem);
      if (r.cidr.version === 4) v4.push(r.cidr);
      else this.v6Subnets.push(r.cidr);
    }
    this.v4Net = new Uint32Array(v4.length);
    this.v4Mask = new Uint32Array(v4.length);
    v4.forEach((c, i) => {
      this.v4Net[i] = v4Key(c.bytes, 0);
      this.v4Mask[i] = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
    });
    this.mode = v4.length + this.v6Subnets.length > 0 ? 'subnets' : 'private-ranges';

    for (const d of opts.devices ?? []) {
      const bytes = parseAddress(d.ip.trim());
      if (!bytes) throw new ConfigError('devices', `'${d.ip}' is not an IPv4 or IPv6 address`);
      const info: DeviceInfo = {
        idx: this.infos.length,
        ip: formatBytes(bytes),
        registered: true,
        ...(d.imsi !== undefined && { imsi: d.imsi }),
        ...(d.name !== undefined && { name: d.name }),
        ...(d.group !== undefined && { group: d.group }),
        ...(d.tags !== undefined && d.tags.length > 0 && { tags: [...d.tags] }),
        ...(d.teid !== undefined && { teid: d.teid }),
        ...(d.downlinkTeid !== undefined && { downlinkTeid: d.downlinkTeid }),
      };
      this.add(info, bytes);
      if (d.teid !== undefined) this.byTeid.set(d.teid, info.idx);
      if (d.downlinkTeid !== undefined) this.byDownlinkTeid.set(d.downlinkTeid, info.idx);
    }
    this.registered = this.infos.length;
  }

  /** Declared devices and subnets from a checked config (plus extra CIDRs, e.g. from the command line). */
  static fromConfig(cfg: FleetConfig, extraSubnets: readonly string[] = []): DeviceDirectory {
    return new DeviceDirectory({
      devices: cfg.devices,
      subnets: [...cfg.gateway.deviceSubnets, ...extraSubnets],
      maxUnregistered: cfg.gateway.maxUnregisteredDevices,
    });
  }

  /** Only subnets (`--device-subnet`, repeatable): every device is unregistered. */
  static fromSubnets(cidrs: readonly string[], maxUnregistered?: number): DeviceDirectory {
    return new DeviceDirectory({ subnets: cidrs, maxUnregistered });
  }

  /** No config and no subnets: rule 3 (private-range side, else side A). */
  static empty(maxUnregistered?: number): DeviceDirectory {
    return new DeviceDirectory({ maxUnregistered });
  }

  /** All devices known so far (declared + unregistered). */
  get count(): number {
    return this.infos.length;
  }

  get registeredCount(): number {
    return this.registered;
  }

  get unregisteredCount(): number {
    return this.unregistered;
  }

  device(idx: number): DeviceInfo {
    const d = this.infos[idx];
    if (!d) throw new RangeError(`no device ${idx} (count ${this.infos.length})`);
    return d;
  }

  /** Declared devices with a downlink TEID (VPG re-encapsulation): [device index, TEID] pairs. */
  downlinkTeids(): [number, number][] {
    return [...this.byDownlinkTeid].map(([teid, idx]) => [idx, teid]);
  }

  /** Index of the device with this address text, or -1 (not for the hot path). */
  findByIp(ip: string): number {
    const b = parseAddress(ip);
    if (!b) return -1;
    return (b.length === 4 ? this.byV4.get(v4Key(b, 0)) : this.byV6.get(v6Key(b, 0))) ?? -1;
  }

  /**
   * Which side of a new flow is the device, and which device. The 4 or 16 address bytes of side A
   * (the flow's first sender) and side B are read from buf at aOff and bOff. teid is the GTP-U TEID
   * or -1. Sets out.side (0 = A, 1 = B) and returns the device index, or -1 when the flow belongs to
   * no device (out.side is then 0).
   */
  attribute(buf: Uint8Array, aOff: number, bOff: number, ipVersion: 4 | 6, teid: number, out: { side: 0 | 1 }): number {
    out.side = 0;
    // rule 1: declared TEID
    if (teid >= 0 && this.byTeid.size + this.byDownlinkTeid.size > 0) {
      const idx = this.byTeid.get(teid) ?? this.byDownlinkTeid.get(teid);
      if (idx !== undefined) {
        out.side = !this.sameAddr(idx, buf, aOff, ipVersion) && this.sameAddr(idx, buf, bOff, ipVersion) ? 1 : 0;
        return idx;
      }
    }
    const len = ipVersion === 4 ? 4 : 16;
    // rule 2: declared subnets
    if (this.mode === 'subnets') {
      let off = aOff;
      if (!this.inSubnet(buf, aOff, ipVersion)) {
        if (!this.inSubnet(buf, bOff, ipVersion)) return -1;
        out.side = 1;
        off = bOff;
      }
      return this.lookupOrCreate(buf, off, len);
    }
    // rule 3: nothing declared
    const priv = ipVersion === 4 ? isPrivateV4 : isPrivateV6;
    if (!priv(buf, aOff) && priv(buf, bOff)) {
      out.side = 1;
      return this.lookupOrCreate(buf, bOff, len);
    }
    return this.lookupOrCreate(buf, aOff, len);
  }

  /**
   * Which address of a packet is the device's, without creating or looking up any device: 0 = the
   * source, 1 = the destination, -1 = neither can be told from the packet alone (no subnet matches; or,
   * with nothing declared, both are public). Used to shard packets by device across workers.
   */
  deviceSide(buf: Uint8Array, srcOff: number, dstOff: number, ipVersion: 4 | 6): 0 | 1 | -1 {
    if (this.mode === 'subnets') {
      if (this.inSubnet(buf, srcOff, ipVersion)) return 0;
      return this.inSubnet(buf, dstOff, ipVersion) ? 1 : -1;
    }
    const priv = ipVersion === 4 ? isPrivateV4 : isPrivateV6;
    if (priv(buf, srcOff)) return 0;
    return priv(buf, dstOff) ? 1 : -1;
  }

  private inSubnet(buf: Uint8Array, off: number, ipVersion: 4 | 6): boolean {
    if (ipVersion === 4) {
      const n = this.v4Net.length;
      if (n === 0) return false;
      const a = v4Key(buf, off);
      for (let i = 0; i < n; i++) if (((a & this.v4Mask[i]) >>> 0) === this.v4Net[i]) return true;
      return false;
    }
    const s = this.v6Subnets;
    for (let i = 0; i < s.length; i++) if (cidrContains(s[i], buf, off)) return true;
    return false;
  }

  private sameAddr(idx: number, buf: Uint8Array, off: number, ipVersion: 4 | 6): boolean {
    const a = this.addrOf[idx];
    if (a.length !== (ipVersion === 4 ? 4 : 16)) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== buf[off + i]) return false;
    return true;
  }

  private lookupOrCreate(buf: Uint8Array, off: number, len: 4 | 16): number {
    let idx: number | undefined;
    let k4 = 0;
    let k6 = '';
    if (len === 4) {
      k4 = v4Key(buf, off);
      idx = this.byV4.get(k4);
    } else {
      k6 = v6Key(buf, off);
      idx = this.byV6.get(k6);
    }
    if (idx !== undefined) return idx;
    if (this.unregistered >= this.maxUnregistered) {
      this.unregisteredOverflow++;
      return -1;
    }
    const bytes = buf.slice(off, off + len);
    this.add({ idx: this.infos.length, ip: formatBytes(bytes), registered: false }, bytes);
    this.unregistered++;
    return this.infos.length - 1;
  }

  private add(info: DeviceInfo, bytes: Uint8Array): void {
    this.infos.push(info);
    this.addrOf.push(bytes);
    if (bytes.length === 4) this.byV4.set(v4Key(bytes, 0), info.idx);
    else this.byV6.set(v6Key(bytes, 0), info.idx);
  }
}
