// Test support for mirroring: a transport that records what it is handed, the outer headers the kernel
// would add (Ethernet/IPv4 for GRE, Ethernet/IPv4/UDP for VXLAN), and tshark as the referee.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIPv4 } from '../../../../src/core/ip.js';
import { PcapWriter } from '../../../../src/io/pcap-writer.js';
import { EtherType, parseMac, writeEthernetSimple } from '../../../../src/packet/build/ethernet.js';
import { writeIpv4Simple } from '../../../../src/packet/build/ipv4.js';
import { setUdpChecksum, writeUdp } from '../../../../src/packet/build/udp.js';
import type { MirrorTransport } from '../../../../src/actions/mirror/mirror-queue.js';

/** Records every datagram (copied) and accepts at most `limit` per call (default all). */
export class CaptureTransport implements MirrorTransport {
  readonly datagrams: Uint8Array[] = [];
  calls = 0;
  constructor(public limit = Infinity) {}
  sendBatch(slab: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    this.calls++;
    const n = Math.min(count, this.limit);
    for (let i = 0; i < n; i++) this.datagrams.push(slab.slice(offs[i], offs[i] + lens[i]));
    return n;
  }
}

const OUTER_SRC = parseIPv4('192.0.2.1');
const OUTER_DST = parseIPv4('192.0.2.50');

function outerEth(out: Uint8Array): void {
  writeEthernetSimple(out, 0, parseMac('02:00:00:00:00:0a'), parseMac('02:00:00:00:00:0b'), EtherType.IPV4);
}

/** What a raw IPv4 socket (protocol 47) would put on the wire for this GRE datagram. */
export function wrapGre(d: Uint8Array): Uint8Array {
  const out = new Uint8Array(14 + 20 + d.length);
  outerEth(out);
  writeIpv4Simple(out, 14, OUTER_SRC, OUTER_DST, 47, d.length, 1, 64, false);
  out.set(d, 34);
  return out;
}

/** What a UDP socket would put on the wire for this VXLAN datagram. */
export function wrapVxlan(d: Uint8Array, dport = 4789, sport = 50000): Uint8Array {
  const out = new Uint8Array(14 + 20 + 8 + d.length);
  outerEth(out);
  writeIpv4Simple(out, 14, OUTER_SRC, OUTER_DST, 17, 8 + d.length, 1, 64, false);
  writeUdp(out, 34, sport, dport, d.length);
  out.set(d, 42);
  setUdpChecksum(out, 14, 34, 8 + d.length);
  return out;
}

export interface TsharkPacket {
  protocols: string;
  greKey?: number;
  greProto?: number;
  greSeq?: number;
  vxlanVni?: number;
  vxlanIFlag?: boolean;
  /** Hex of the frame from where tshark found the INNER Ethernet header to the end. */
  innerHex?: string;
}

type Json = Record<string, unknown>;

function find(o: unknown, key: string): unknown {
  if (o === null || typeof o !== 'object') return undefined;
  const rec = o as Json;
  if (key in rec) return rec[key];
  for (const v of Object.values(rec)) {
    const r = find(v, key);
    if (r !== undefined) return r;
  }
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'string' ? Number(v) : undefined;
}

/** Writes the frames to a pcap and has tshark decode them. */
export function tsharkDecode(frames: readonly Uint8Array[]): TsharkPacket[] {
  const dir = mkdtempSync(join(tmpdir(), 'fg-mirror-'));
  try {
    const file = join(dir, 'm.pcap');
    const w = PcapWriter.open(file);
    frames.forEach((f, i) => w.write(f, 0, f.length, 1_700_000_000_000_000 + i));
    void w.close();
    const r = spawnSync('tshark', ['-r', file, '-T', 'json', '-x', '--no-duplicate-keys'], { encoding: 'utf8', maxBuffer: 256 << 20 });
    if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
    const docs = JSON.parse(r.stdout) as { _source: { layers: Json } }[];
    return docs.map((d) => {
      const l = d._source.layers;
      const frameRaw = (l.frame_raw as unknown[])[0] as string;
      const eths = l.eth_raw as unknown[];
      const p: TsharkPacket = { protocols: String(find(l.frame, 'frame.protocols')) };
      if (Array.isArray(eths) && Array.isArray(eths[1])) p.innerHex = frameRaw.slice(2 * (eths[1][1] as number));
      if (l.gre !== undefined) {
        p.greKey = num(find(l.gre, 'gre.key'));
        p.greProto = num(find(l.gre, 'gre.proto'));
        p.greSeq = num(find(l.gre, 'gre.sequence_number'));
      }
      if (l.vxlan !== undefined) {
        p.vxlanVni = num(find(l.vxlan, 'vxlan.vni'));
        p.vxlanIFlag = find(l.vxlan, 'vxlan.flag_i') === '1' || find(l.vxlan, 'vxlan.flag_i') === 'True';
      }
      return p;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}
