// A deliberately small TCP state tracker: enough to pick an idle timeout and to report how a flow
// ended, not a validating TCP stack (no sequence checks).
//
//   NEW          first packet was not a bare SYN (capture started mid-stream), reverse not seen yet
//   SYN          a SYN (without ACK) opened the flow, reverse not seen yet
//   ESTABLISHED  both directions carried packets (e.g. the SYN-ACK arrived) and no FIN/RST yet
//   CLOSING      one side sent FIN
//   CLOSED       both sides sent FIN
//   RESET        a RST was seen (from either side, at any time)
//
// A bare SYN on a CLOSED/RESET flow (port reuse) reopens it in SYN; its counters continue.
import { TimeoutClass } from './timeouts.js';
import { IpProto } from '../core/layers.js';

export const TcpState = { NEW: 0, SYN: 1, ESTABLISHED: 2, CLOSING: 3, CLOSED: 4, RESET: 5 } as const;
export type TcpStateId = (typeof TcpState)[keyof typeof TcpState];
export const TCP_STATE_NAMES: readonly string[] = ['new', 'syn', 'established', 'closing', 'closed', 'reset'];

export const TcpFlag = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 } as const;

/** Per-flow direction bits (the flow table's `dirBits` column). */
export const DirBit = { SEEN_A: 1, SEEN_B: 2, FIN_A: 4, FIN_B: 8 } as const;

/**
 * The state after a packet with `flags`; `dirBits` already includes this packet (seen/FIN bits).
 * Returns a TcpState value.
 */
export function nextTcpState(state: number, flags: number, dirBits: number): number {
  if (flags & TcpFlag.RST) return TcpState.RESET;
  if (state === TcpState.CLOSED || state === TcpState.RESET) {
    return (flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN ? TcpState.SYN : state;
  }
  const fins = dirBits & (DirBit.FIN_A | DirBit.FIN_B);
  if (fins === (DirBit.FIN_A | DirBit.FIN_B)) return TcpState.CLOSED;
  if (fins !== 0) return TcpState.CLOSING;
  if (state === TcpState.NEW || state === TcpState.SYN) {
    if ((dirBits & (DirBit.SEEN_A | DirBit.SEEN_B)) === (DirBit.SEEN_A | DirBit.SEEN_B)) return TcpState.ESTABLISHED;
    if ((flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN) return TcpState.SYN;
  }
  return state;
}

/** The idle timeout class of a flow (tcpState is ignored for protocols other than TCP). */
export function timeoutClassOf(proto: number, tcpState: number): number {
  if (proto === IpProto.TCP) {
    if (tcpState === TcpState.ESTABLISHED) return TimeoutClass.TCP_ESTABLISHED;
    if (tcpState === TcpState.CLOSING) return TimeoutClass.TCP_CLOSING;
    if (tcpState === TcpState.CLOSED || tcpState === TcpState.RESET) return TimeoutClass.TCP_CLOSED;
    return TimeoutClass.TCP_OPENING;
  }
  if (proto === IpProto.UDP || proto === 136 /* UDP-Lite */) return TimeoutClass.UDP;
  if (proto === IpProto.ICMP || proto === IpProto.ICMPV6) return TimeoutClass.ICMP;
  return TimeoutClass.OTHER;
}
