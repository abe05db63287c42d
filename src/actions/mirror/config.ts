// Mirroring config (`gateway.junction.mirroring`): validated peers with defaults filled, every problem
// reported at once with its path (`gateway.junction.mirroring.peers[1].vni: ...`).
//
// Filter presence matters (see docs/mirroring.md):
// - no `filter` key on a peer: every packet is mirrored (Junction: a peer receives everything);
// - `filter: { rules: [...] }`: AWS Traffic Mirroring semantics; no rules = nothing is mirrored.
import { ConfigProblems } from '../../control/config/config-errors.js';
import { formatBytes, parseAddress } from '../../control/config/cidr.js';
import { VXLAN_PORT } from '../../packet/build/vxlan.js';
import { parseMirrorFilter, ProblemList, showValue, type MirrorRule } from './filter.js';

export type MirrorProtocol = 'gre' | 'vxlan';

export interface MirrorPeerConfig {
  /** Peer IP address, canonical text. GRE peers are IPv4 (raw IPv4 socket); VXLAN peers IPv4 or IPv6. */
  address: string;
  protocol: MirrorProtocol;
  /** GRE key = mirror session id (gre only; absent = no key field). */
  key?: number;
  /** Add RFC 2890 sequence numbers (gre only). */
  sequence: boolean;
  /** VXLAN network identifier (vxlan only; default 0). */
  vni: number;
  /** UDP destination port (vxlan only; default 4789). */
  port: number;
  enabled: boolean;
  /**
   * vxlan only: send runs of equal-length copies as one UDP GSO message that the kernel cuts into
   * ordinary datagrams (fewer system calls: the fast path). auto (the default for vxlan) = on when the
   * peer is reached through a physical NIC, where the kernel cuts the message before the wire; off on
   * virtual links (veth, loopback, bridges), where a capture between us and the peer would see the
   * uncut message. gre peers: always false (raw sockets have no GSO).
   */
  segmentation: Segmentation;
  /** Keep at most this many bytes of the inner Ethernet frame (64..65535); absent = the whole frame. */
  truncate?: number;
  /** Absent = mirror everything; present = numbered rules, first match decides, none = nothing mirrored. */
  filter?: MirrorRule[];
  description?: string;
}

/** UDP GSO for a vxlan peer's copies: always, never, or decided by the route to the peer (egress-link.ts). */
export type Segmentation = boolean | 'auto';

export interface MirrorQueueConfig {
  /** Pending copies per peer (default 1024). */
  slots: number;
  /** Bytes per copy slot, tunnel header included (default 2048); longer frames are cut to fit. */
  slotBytes: number;
}

export interface MirroringConfig {
  peers: MirrorPeerConfig[];
  queue: MirrorQueueConfig;
}

export const MIRROR_DEFAULTS = { slots: 1024, slotBytes: 2048, vni: 0, port: VXLAN_PORT } as const;
/** Largest UDP payload over IPv4 (65535 - 20 - 8): no copy can be longer. */
export const MAX_SLOT_BYTES = 65507;
export const MAX_QUEUE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MIRRORING_PATH = 'gateway.junction.mirroring';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(o: Obj, allowed: readonly string[], path: string, pr: ProblemList): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) pr.add(`${path}.${k}`, `unknown key '${k}' (allowed: ${allowed.join(', ')})`);
}

function intIn(v: unknown, lo: number, hi: number, path: string, pr: ProblemList): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    pr.add(path, `must be an integer from ${lo} to ${hi} (got ${showValue(v)})`);
    return undefined;
  }
  return v;
}

const PEER_KEYS = ['address', 'ipAddress', 'protocol', 'key', 'sequence', 'vni', 'port', 'segmentation', 'enabled', 'truncate', 'filter', 'description'] as const;

function parsePeer(v: unknown, path: string, pr: ProblemList): MirrorPeerConfig | undefined {
  if (!isObj(v)) {
    pr.add(path, `must be a mapping { address, protocol: gre | vxlan, key? | vni?, enabled?, truncate?, filter? } (got ${showValue(v)})`);
    return undefined;
  }
  unknownKeys(v, PEER_KEYS, path, pr);
  const before = pr.list.length;
  // `ipAddress` is the Junction API's name for the same field
  if (v.address !== undefined && v.ipAddress !== undefined) pr.add(`${path}.ipAddress`, `give either address or ipAddress, not both`);
  const addrKey = v.address !== undefined ? 'address' : 'ipAddress';
  const addrRaw = v[addrKey];
  const bytes = typeof addrRaw === 'string' ? parseAddress(addrRaw.trim()) : null;
  if (addrRaw === undefined) pr.add(`${path}.address`, `is required: the peer's IP address`);
  else if (bytes === null) pr.add(`${path}.${addrKey}`, `must be an IPv4 or IPv6 address (got ${showValue(addrRaw)})`);

  let protocol: MirrorProtocol = 'gre';
  if (v.protocol !== 'gre' && v.protocol !== 'vxlan') pr.add(`${path}.protocol`, `must be 'gre' or 'vxlan' (got ${showValue(v.protocol)})`);
  else protocol = v.protocol;
  if (protocol === 'gre' && bytes !== null && bytes.length === 16) {
    pr.add(`${path}.${addrKey}`, `GRE peers must be IPv4 (copies leave on a raw IPv4 socket); use protocol: vxlan for an IPv6 peer`);
  }

  let key: number | undefined;
  if (v.key !== undefined) {
    if (protocol !== 'gre') pr.add(`${path}.key`, `a key is for gre peers only (vxlan peers use vni)`);
    else key = intIn(v.key, 0, 0xffffffff, `${path}.key`, pr);
  }
  let sequence = false;
  if (v.sequence !== undefined) {
    if (typeof v.sequence !== 'boolean') pr.add(`${path}.sequence`, `must be true or false (got ${showValue(v.sequence)})`);
    else if (protocol !== 'gre' && v.sequence) pr.add(`${path}.sequence`, `sequence numbers are for gre peers only`);
    else sequence = v.sequence;
  }
  let vni: number = MIRROR_DEFAULTS.vni;
  if (v.vni !== undefined) {
    if (protocol !== 'vxlan') pr.add(`${path}.vni`, `a vni is for vxlan peers only (gre peers use key)`);
    else vni = intIn(v.vni, 0, 0xffffff, `${path}.vni`, pr) ?? 0;
  }
  let port: number = MIRROR_DEFAULTS.port;
  if (v.port !== undefined) {
    if (protocol !== 'vxlan') pr.add(`${path}.port`, `a UDP port is for vxlan peers only (GRE is IP protocol 47)`);
    else port = intIn(v.port, 1, 65535, `${path}.port`, pr) ?? port;
  }
  let segmentation: Segmentation = protocol === 'vxlan' ? 'auto' : false;
  if (v.segmentation !== undefined) {
    if (typeof v.segmentation !== 'boolean' && v.segmentation !== 'auto') pr.add(`${path}.segmentation`, `must be true, false or auto (got ${showValue(v.segmentation)})`);
    else if (protocol !== 'vxlan' && v.segmentation === true) pr.add(`${path}.segmentation`, `UDP segmentation is for vxlan peers only`);
    else if (protocol === 'vxlan') segmentation = v.segmentation;
  }
  let enabled = true;
  if (v.enabled !== undefined) {
    if (typeof v.enabled !== 'boolean') pr.add(`${path}.enabled`, `must be true or false (got ${showValue(v.enabled)})`);
    else enabled = v.enabled;
  }
  const truncate = v.truncate === undefined ? undefined : intIn(v.truncate, 64, 65535, `${path}.truncate`, pr);
  const filter = v.filter === undefined ? undefined : parseMirrorFilter(v.filter, `${path}.filter`, pr);
  let description: string | undefined;
  if (v.description !== undefined) {
    if (typeof v.description !== 'string' || v.description.length > 256) pr.add(`${path}.description`, 'must be text of at most 256 characters');
    else description = v.description;
  }
  if (pr.list.length > before || bytes === null) return undefined;
  const peer: MirrorPeerConfig = { address: formatBytes(bytes), protocol, sequence, vni, port, segmentation, enabled };
  if (key !== undefined) peer.key = key;
  if (truncate !== undefined) peer.truncate = truncate;
  if (filter !== undefined) peer.filter = filter;
  if (description !== undefined) peer.description = description;
  return peer;
}

/**
 * Checks `gateway.junction.mirroring` ({ peers: [...], queue?: { slots, slotBytes } }) and fills defaults.
 * `undefined` means no mirroring (no peers). Throws ConfigProblems (a ConfigError) listing every problem.
 */
export function parseMirroringConfig(raw: unknown, path: string = DEFAULT_MIRRORING_PATH): MirroringConfig {
  const pr = new ProblemList();
  const cfg: MirroringConfig = { peers: [], queue: { slots: MIRROR_DEFAULTS.slots, slotBytes: MIRROR_DEFAULTS.slotBytes } };
  if (raw === undefined || raw === null) return cfg;
  if (!isObj(raw)) {
    pr.add(path, `must be a mapping { peers: [...], queue? } (got ${showValue(raw)})`);
    throw new ConfigProblems(pr.list);
  }
  unknownKeys(raw, ['peers', 'queue'], path, pr);
  const peers = raw.peers ?? [];
  if (!Array.isArray(peers)) pr.add(`${path}.peers`, `must be a list of peers (got ${showValue(peers)})`);
  else {
    const seen = new Map<string, number>();
    peers.forEach((x: unknown, i: number) => {
      const p = parsePeer(x, `${path}.peers[${i}]`, pr);
      if (p === undefined) return;
      const id = `${p.address}|${p.protocol}|${p.port}`;
      const dup = seen.get(id);
      if (dup !== undefined) pr.add(`${path}.peers[${i}].address`, `${p.address} (${p.protocol}) is already peers[${dup}]; one entry per peer`);
      else seen.set(id, i);
      cfg.peers.push(p);
    });
  }
  if (raw.queue !== undefined) {
    const qp = `${path}.queue`;
    if (!isObj(raw.queue)) pr.add(qp, `must be a mapping { slots?, slotBytes? } (got ${showValue(raw.queue)})`);
    else {
      unknownKeys(raw.queue, ['slots', 'slotBytes'], qp, pr);
      if (raw.queue.slots !== undefined) cfg.queue.slots = intIn(raw.queue.slots, 1, 1 << 20, `${qp}.slots`, pr) ?? cfg.queue.slots;
      if (raw.queue.slotBytes !== undefined) {
        cfg.queue.slotBytes = intIn(raw.queue.slotBytes, 128, MAX_SLOT_BYTES, `${qp}.slotBytes`, pr) ?? cfg.queue.slotBytes;
      }
      const total = cfg.queue.slots * cfg.queue.slotBytes;
      if (total > MAX_QUEUE_BYTES) pr.add(qp, `slots x slotBytes is ${total} bytes per peer; at most ${MAX_QUEUE_BYTES} (256 MiB)`);
    }
  }
  if (pr.list.length > 0) throw new ConfigProblems(pr.list);
  return cfg;
}
