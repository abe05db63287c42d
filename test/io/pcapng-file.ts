// Test support: one hand-built pcapng file exercising what the reader must handle, with the frames
// it must yield. Section 1 is little-endian, section 2 big-endian.

import { block, Bytes, frameData, idb, epb, packetBlock, shb, spb } from './capture-builders.js';
import type { SeenFrame } from './capture-builders.js';

export interface BuiltCapture {
  pieces: Uint8Array[];
  frames: SeenFrame[];
  /** index in `pieces` of the block that yields each frame */
  framePiece: number[];
}

const US = 1700000000123456n; // µs since the epoch
const NS = 1700000001987654321n; // ns since the epoch

export function mixedPcapng(): BuiltCapture {
  const pieces: Uint8Array[] = [];
  const frames: SeenFrame[] = [];
  const framePiece: number[] = [];
  const add = (p: Uint8Array, ...f: SeenFrame[]): void => {
    for (const x of f) {
      frames.push(x);
      framePiece.push(pieces.length);
    }
    pieces.push(p);
  };
  const d = (n: number, s: number): Uint8Array => frameData(n, s);
  const seen = (data: Uint8Array, tsUs: number, wireLen: number, linkType: number, ifIndex: number): SeenFrame => ({
    data: Array.from(data),
    tsUs,
    wireLen,
    linkType,
    ifIndex,
  });

  // Section 1, little-endian: if0 Ethernet µs (default resolution), if1 SLL ns.
  add(shb(true));
  add(idb(true, 1, 96));
  add(idb(true, 113, 0, { tsresol: 9 }));
  add(epb(true, 0, US, d(60, 1)), seen(d(60, 1), Number(US), 60, 1, 0));
  add(block(true, 0x0a, new Bytes(true).u32(0x544c534b).u32(5).bytes([1, 2, 3, 4, 5]).done())); // DSB
  add(epb(true, 1, NS, d(33, 2), 1500), seen(d(33, 2), 1700000001987654, 1500, 113, 1));
  add(block(true, 0x0badcafe, d(10, 3))); // unknown block type
  add(spb(true, d(12, 4), 12), seen(d(12, 4), 1700000001987654, 12, 1, 0)); // ts reused from the last EPB
  add(spb(true, d(96, 5), 120), seen(d(96, 5), 1700000001987654, 120, 1, 0)); // snaplen 96 < original 120
  add(block(true, 5, new Bytes(true).u32(0).u32(0).u32(0).done())); // ISB
  add(block(true, 4, new Bytes(true).u16(1).u16(8).bytes([10, 0, 0, 1, 97, 46, 98, 0]).u16(0).u16(0).done())); // NRB
  add(packetBlock(true, 1, NS + 1000n, d(20, 6)), seen(d(20, 6), 1700000001987655, 20, 113, 1));
  add(block(true, 0x00000bad, d(7, 7))); // custom block
  add(epb(true, 0, US + 5n, d(300, 8), 1600), seen(d(300, 8), Number(US) + 5, 1600, 1, 0)); // larger than a 64-byte chunk

  // Section 2, big-endian: interfaces reset; if0 raw IP with 2^-20 s units and a 100 s offset.
  add(shb(false));
  add(idb(false, 101, 65535, { tsresol: 0x80 | 20, tsoffset: 100 }));
  const sec = 1700000500n;
  const units = (sec << 20n) | 524288n; // + half a second
  add(epb(false, 0, units, d(28, 9)), seen(d(28, 9), Number(sec + 100n) * 1e6 + 500000, 28, 101, 0));
  add(spb(false, d(16, 10), 16), seen(d(16, 10), Number(sec + 100n) * 1e6 + 500000, 16, 101, 0));
  return { pieces, frames, framePiece };
}
