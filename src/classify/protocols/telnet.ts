// Telnet (RFC 854): sessions open with IAC option negotiation (IAC WILL/WONT/DO/DONT <option>,
// IAC SB … IAC SE). Like nDPI, the flow matches once a few segments start with well-formed IAC
// commands. The user name is what the client types after the server's "login:" prompt (clients
// usually send one character per segment, ended by CR).
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export interface TelnetState {
  iacSegments: number;
  /** 0 = waiting for "login:", 1 = collecting the user name, 2 = done. */
  loginStage: number;
  username: string;
}

const IAC = 0xff;
const SE = 0xf0;
const SB = 0xfa;
const WILL = 0xfb;
const MAX_OPTION = 0x30; // assigned options stop below this (plus 0xff EXOPL)
const NEEDED = 2;
const TELNET_PORT = 23;
const MAX_USERNAME = 64;
const MAX_SCAN = 2048;

/** True when the segment starts with an IAC negotiation command and every IAC in it is well-formed. */
export function isIacSegment(b: Uint8Array): boolean {
  const end = b.length;
  if (end < 3 || b[0] !== IAC) return false;
  const cmd = b[1];
  if (cmd < SB || cmd === IAC) return false; // SB or WILL/WONT/DO/DONT
  if (b[2] >= MAX_OPTION && b[2] !== IAC) return false;
  const limit = Math.min(end, MAX_SCAN);
  for (let p = 3; p < limit; p++) {
    if (b[p] !== IAC) continue;
    if (p + 1 >= end) return false;
    const c = b[p + 1];
    if (c === IAC) { p++; continue; } // escaped 0xff data byte
    if (c < SE) return false;
    if (c >= WILL) {
      if (p + 2 >= end) return false;
      p += 2;
    } else {
      p++;
    }
  }
  return true;
}

function clientDir(flow: FlowView): Dir {
  if (flow.dstPort === TELNET_PORT) return 0;
  if (flow.srcPort === TELNET_PORT) return 1;
  return flow.dstPort <= flow.srcPort ? 0 : 1;
}

/** Case-insensitive search for "login:" in the first bytes of `b`. */
function hasLoginPrompt(b: Uint8Array): boolean {
  const limit = Math.min(b.length, MAX_SCAN) - 6;
  for (let i = 0; i <= limit; i++) {
    if (
      (b[i] | 0x20) === 0x6c && (b[i + 1] | 0x20) === 0x6f && (b[i + 2] | 0x20) === 0x67 &&
      (b[i + 3] | 0x20) === 0x69 && (b[i + 4] | 0x20) === 0x6e && b[i + 5] === 0x3a
    ) return true;
  }
  return false;
}

export const telnetDissector: Dissector<TelnetState> = {
  name: 'Telnet',
  when: { l4: 'tcp', ports: [TELNET_PORT] },
  budget: 8,
  init: () => ({ iacSegments: 0, loginStage: 0, username: '' }),
  probe(data: Uint8Array, _dir: Dir, flow: FlowView, st: TelnetState): ProbeResult {
    if (isIacSegment(data)) return ++st.iacSegments >= NEEDED ? 'match' : 'more';
    // Negotiation comes first; a few plain segments are tolerated (e.g. a banner), then give up.
    const seen = flow.payloadPackets[0] + flow.payloadPackets[1];
    return seen < 6 ? 'more' : 'exclude';
  },
  extract(data: Uint8Array, dir: Dir, flow: FlowView, st: TelnetState, meta: AppMeta): void {
    if (st.loginStage === 2 || data.length === 0) return;
    const fromClient = dir === clientDir(flow);
    if (st.loginStage === 0) {
      if (!fromClient && hasLoginPrompt(data)) st.loginStage = 1;
      return;
    }
    if (!fromClient) return;
    for (let i = 0; i < data.length && i < MAX_SCAN; i++) {
      const c = data[i];
      if (c === IAC) {
        // skip a command: IAC x, or IAC WILL/WONT/DO/DONT opt
        i += i + 1 < data.length && data[i + 1] >= WILL && data[i + 1] !== IAC ? 2 : 1;
        continue;
      }
      if (c === 0x0d || c === 0x0a || c === 0) {
        if (st.username.length > 0) {
          st.loginStage = 2;
          (meta.extra ??= {}).username = st.username;
        }
        return;
      }
      if (c >= 0x20 && c < 0x7f && st.username.length < MAX_USERNAME) st.username += String.fromCharCode(c);
    }
  },
};
