// Names fleetgate and Suricata spell differently: L4 protocol, application protocol, flow end reason.

/** FlowRecord.proto (l4Name) → Suricata's `proto` (its names come from the IANA protocol table). */
export function eveProto(l4: string): string {
  if (l4 === 'ICMPV6') return 'IPv6-ICMP';
  // Suricata writes the bare number for protocols it has no name for.
  if (/^IP\d+$/.test(l4)) return l4.slice(2);
  return l4;
}

/** Whether Suricata writes src_port/dest_port for this `proto`. */
export function eveHasPorts(l4: string): boolean {
  return l4 === 'TCP' || l4 === 'UDP' || l4 === 'SCTP';
}

/**
 * DPI master protocol name → EVE `app_proto` (lower case, as Suricata writes dns, http, tls…).
 * ICMP "protocols" are L4, not application layer: no app_proto, like Suricata.
 */
export function eveAppProto(proto: string | null): string | undefined {
  if (proto === null || proto === '' || proto === 'ICMP' || proto === 'ICMPV6') return undefined;
  return proto.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

export type EveFlowReason = 'timeout' | 'forced' | 'shutdown';

/**
 * FlowRecord.endReason → EVE flow.reason. idle and active are timeouts (active: the active timeout
 * cut a long flow; its counters restart); evicted means the full table pushed it out (Suricata's
 * "forced"); end means the capture or the gateway stopped (Suricata's "shutdown"). Anything else is
 * treated as shutdown.
 */
export function eveFlowReason(endReason: string): EveFlowReason {
  if (endReason === 'idle' || endReason === 'active') return 'timeout';
  if (endReason === 'evicted') return 'forced';
  return 'shutdown';
}

/** nDPI QUIC version names (see classify/protocols/quic-initial.ts) → Suricata's quic.version spelling. */
export function eveQuicVersion(name: string): string {
  if (name === 'V-1') return '1';
  if (name === 'V-2') return '6b3343cf';
  if (name === 'MVFST-27') return 'faceb002';
  if (name === 'MVFST-EXP') return 'faceb00e';
  const draft = /^Draft-(\d{1,3})$/.exec(name);
  if (draft) return (0xff000000 + Number(draft[1])).toString(16);
  // Suricata names Q039..Q046 and writes the other Google versions (Q050, T051…) in hex.
  if (/^Q0(39|4[3-6])$/.test(name)) return name;
  if (/^[QT]\d{3}$/.test(name)) {
    let v = 0;
    for (let i = 0; i < 4; i++) v = v * 256 + name.charCodeAt(i);
    return v.toString(16);
  }
  return name;
}
