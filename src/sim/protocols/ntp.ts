// NTPv4 (RFC 5905) client request and server response, 48 bytes, timestamps from simulated time.

const NTP_UNIX_OFFSET = 2208988800;

function ts(w: Uint8Array, off: number, tUs: number): void {
  const sec = Math.floor(tUs / 1e6) + NTP_UNIX_OFFSET;
  const frac = Math.floor(((tUs % 1e6) / 1e6) * 4294967296);
  w[off] = (sec >>> 24) & 0xff;
  w[off + 1] = (sec >>> 16) & 0xff;
  w[off + 2] = (sec >>> 8) & 0xff;
  w[off + 3] = sec & 0xff;
  w[off + 4] = (frac >>> 24) & 0xff;
  w[off + 5] = (frac >>> 16) & 0xff;
  w[off + 6] = (frac >>> 8) & 0xff;
  w[off + 7] = frac & 0xff;
}

/** Client mode 3, version 4; only the transmit timestamp is set (as SNTP clients do). */
export function ntpRequest(tUs: number): Uint8Array {
  const p = new Uint8Array(48);
  p[0] = 0x23; // LI 0, VN 4, mode 3
  p[2] = 6; // poll 2^6 s
  p[3] = 0xec; // precision -20
  ts(p, 40, tUs);
  return p;
}

/** Server mode 4, stratum 2, answering `req` received at rxUs and sent at txUs. */
export function ntpResponse(req: Uint8Array, rxUs: number, txUs: number, refId: number): Uint8Array {
  const p = new Uint8Array(48);
  p[0] = 0x24; // LI 0, VN 4, mode 4
  p[1] = 2;
  p[2] = req[2];
  p[3] = 0xe9; // precision -23
  p[6] = 0x00; // root delay 0x00000800 (~31 ms)
  p[7] = 0x08;
  p[10] = 0x00; // root dispersion
  p[11] = 0x30;
  p[12] = (refId >>> 24) & 0xff;
  p[13] = (refId >>> 16) & 0xff;
  p[14] = (refId >>> 8) & 0xff;
  p[15] = refId & 0xff;
  ts(p, 16, rxUs - 16_000_000); // reference: last sync 16 s ago
  p.set(req.subarray(40, 48), 24); // originate = client's transmit
  ts(p, 32, rxUs);
  ts(p, 40, txUs);
  return p;
}
