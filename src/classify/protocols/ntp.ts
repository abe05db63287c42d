// NTP over UDP: version 1-4 and a mode. Modes 1-5 carry the 48-byte time header (plus optional
// extension fields / MAC); mode 6 is the control protocol (12-byte header + count bytes) and
// mode 7 the implementation-specific ("ntpdc") messages. Like nDPI, port 123 is expected on one
// side; elsewhere only a clean 48-byte client/server packet counts, and two are needed.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export interface NtpState {
  valid: number;
}

const NTP_PORT = 123;
const MODE_NAMES = ['reserved', 'symmetric-active', 'symmetric-passive', 'client', 'server', 'broadcast', 'control', 'private'];

/** 0 when not NTP, 1 for a plausible message, 2 for a strict 48-byte time packet. */
export function ntpShape(b: Uint8Array): number {
  const len = b.length;
  if (len < 8) return 0;
  const version = (b[0] >> 3) & 7;
  const mode = b[0] & 7;
  if (version < 1 || version > 4) return 0;
  if (mode === 6) {
    if (len < 12) return 0;
    const count = (b[10] << 8) | b[11];
    return 12 + count <= len && (b[1] & 0x1f) <= 31 ? 1 : 0;
  }
  if (mode === 7) return len >= 8 && (b[1] & 0x7f) <= 10 ? 1 : 0; // implementation 0-3, requests up to ~10
  if (mode === 0 || len < 48) return 0;
  const stratum = b[1];
  const poll = b[2] << 24 >> 24;
  if (stratum > 16 || poll < -8 || poll > 17) return 0;
  if (len === 48) return 2;
  // Extension fields (v4) and/or a MAC (4-byte key id + 16/20-byte digest) keep 4-byte alignment.
  return (len - 48) % 4 === 0 ? 1 : 0;
}

export const ntpDissector: Dissector<NtpState> = {
  name: 'NTP',
  when: { l4: 'udp', ports: [NTP_PORT] },
  budget: 3,
  init: () => ({ valid: 0 }),
  probe(data: Uint8Array, _dir: Dir, flow: FlowView, st: NtpState): ProbeResult {
    const shape = ntpShape(data);
    if (shape === 0) return 'exclude';
    if (flow.srcPort === NTP_PORT || flow.dstPort === NTP_PORT) return 'match';
    if (shape !== 2) return 'exclude';
    return ++st.valid >= 2 ? 'match' : 'more';
  },
  extract(data: Uint8Array, _dir: Dir, _flow: FlowView, _st: NtpState, meta: AppMeta): void {
    if (data.length < 1) return;
    const x = (meta.extra ??= {});
    x.ntp_version ??= (data[0] >> 3) & 7;
    x.ntp_mode ??= MODE_NAMES[data[0] & 7];
  },
};
