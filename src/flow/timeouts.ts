// Flow timeouts: configuration (seconds, as in the YAML config) and the timeout classes the flow
// table keeps one idle (LRU) list for. A flow's class follows its protocol and, for TCP, its state.
import { ConfigError } from '../core/errors.js';

/** Timeouts in seconds. Idle timeouts apply per class; `active` restarts a long flow's counters. */
export interface FlowTimeouts {
  /** TCP flow before both directions were seen (SYN sent, or picked up mid-stream). */
  tcpOpening: number;
  tcpEstablished: number;
  /** One side sent FIN. */
  tcpClosing: number;
  /** Both sides sent FIN, or a RST was seen. */
  tcpClosed: number;
  udp: number;
  /** ICMP and ICMPv6. */
  icmp: number;
  /** Every other IP protocol (GRE, ESP, SCTP...). */
  other: number;
  /** A flow still active after this long is reported ('active') and its counters restart. */
  active: number;
  /** How long the first fragment of a datagram vouches for the following fragments. */
  fragment: number;
}

export const DEFAULT_FLOW_TIMEOUTS: Readonly<FlowTimeouts> = Object.freeze({
  tcpOpening: 30,
  tcpEstablished: 300,
  tcpClosing: 120,
  tcpClosed: 10,
  udp: 120,
  icmp: 30,
  other: 60,
  active: 1800,
  fragment: 30,
});

/** Idle timeout classes; each has its own LRU list in the flow table (index = class id). */
export const TimeoutClass = {
  TCP_OPENING: 0,
  TCP_ESTABLISHED: 1,
  TCP_CLOSING: 2,
  TCP_CLOSED: 3,
  UDP: 4,
  ICMP: 5,
  OTHER: 6,
} as const;
export const TIMEOUT_CLASS_COUNT = 7;

/** Merges `partial` over the defaults and validates it (ConfigError at `flow.timeouts.<name>`). */
export function resolveTimeouts(partial?: Partial<FlowTimeouts>): FlowTimeouts {
  const t: FlowTimeouts = { ...DEFAULT_FLOW_TIMEOUTS };
  if (!partial) return t;
  for (const name of Object.keys(partial) as (keyof FlowTimeouts)[]) {
    if (!(name in DEFAULT_FLOW_TIMEOUTS)) throw new ConfigError(`flow.timeouts.${name}`, 'unknown timeout');
    const v = partial[name];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new ConfigError(`flow.timeouts.${name}`, 'must be a positive number of seconds');
    }
    t[name] = v;
  }
  return t;
}

/** Idle timeout per class, in microseconds (indexed by TimeoutClass). */
export function idleTimeoutsUs(t: FlowTimeouts): Float64Array {
  const us = new Float64Array(TIMEOUT_CLASS_COUNT);
  us[TimeoutClass.TCP_OPENING] = t.tcpOpening * 1e6;
  us[TimeoutClass.TCP_ESTABLISHED] = t.tcpEstablished * 1e6;
  us[TimeoutClass.TCP_CLOSING] = t.tcpClosing * 1e6;
  us[TimeoutClass.TCP_CLOSED] = t.tcpClosed * 1e6;
  us[TimeoutClass.UDP] = t.udp * 1e6;
  us[TimeoutClass.ICMP] = t.icmp * 1e6;
  us[TimeoutClass.OTHER] = t.other * 1e6;
  return us;
}
