// A minimal pcap / pcapng frame lister for the decoder's corpus test (test-only; the real reader lives
// in src/io). Returns frame positions inside the file buffer; unknown blocks are skipped.
export interface CapturedFrame {
  off: number;
  capLen: number;
  wireLen: number;
  linkType: number;
}

export function listFrames(buf: Uint8Array): CapturedFrame[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d || magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) {
    const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
    const linkType = dv.getUint32(20, le) & 0xffff;
    const out: CapturedFrame[] = [];
    for (let o = 24; o + 16 <= buf.length; ) {
      const capLen = dv.getUint32(o + 8, le);
      const wireLen = dv.getUint32(o + 12, le);
      if (o + 16 + capLen > buf.length) break;
      out.push({ off: o + 16, capLen, wireLen, linkType });
      o += 16 + capLen;
    }
    return out;
  }
  if (magic === 0x0a0d0d0a) return listPcapng(buf, dv);
  throw new Error('not a pcap or pcapng file');
}

function listPcapng(buf: Uint8Array, dv: DataView): CapturedFrame[] {
  const out: CapturedFrame[] = [];
  let le = true;
  let ifLinkTypes: number[] = [];
  for (let o = 0; o + 12 <= buf.length; ) {
    if (dv.getUint32(o, true) === 0x0a0d0d0a) {
      le = dv.getUint32(o + 8, true) === 0x1a2b3c4d;
      ifLinkTypes = [];
    }
    const type = dv.getUint32(o, le);
    const len = dv.getUint32(o + 4, le);
    if (len < 12 || o + len > buf.length) break;
    if (type === 1) ifLinkTypes.push(dv.getUint16(o + 8, le));
    else if (type === 6) {
      const capLen = dv.getUint32(o + 20, le);
      out.push({ off: o + 28, capLen, wireLen: dv.getUint32(o + 24, le), linkType: ifLinkTypes[dv.getUint32(o + 8, le)] ?? -1 });
    } else if (type === 3) {
      const wireLen = dv.getUint32(o + 8, le);
      out.push({ off: o + 12, capLen: Math.min(wireLen, len - 16), wireLen, linkType: ifLinkTypes[0] ?? -1 });
    }
    o += len;
  }
  return out;
}
