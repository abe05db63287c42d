// A user-space device tunnel endpoint (tunnel-ue.py) for the tunnels the lab kernel lacks (GENEVE,
// GTP-U): started in the device namespace after buildVpg(lab, 'geneve' | 'gtpu').
import { resolve } from 'node:path';
import type { Background, NetnsLab } from './netns.js';
import type { VpgLab } from './junction-lab.js';
import { DEVICE_IP } from './lab-traffic.js';

export type UeMode = 'gtpu' | 'geneve-ip' | 'geneve-eth';

export interface UeStats {
  /** Packets encapsulated to the gateway. */
  sent: number;
  /** Packets from the gateway with the expected header, written to the device. */
  received: number;
  /** Packets from the gateway with another TEID, VNI, protocol or options. */
  badHeader: number;
  /** Datagrams that were no data packet (GTP-U signalling...). */
  other: number;
}

/** Another device address and route than DEVICE_IP/24 and the server subnet (an IPv6 device). */
export interface UeAddressing {
  /** `address/prefix` of the device on its interface. */
  addr: string;
  /** `ip route add` arguments (`fd00:77::/64 dev <if>`). */
  route: string;
}

/**
 * Starts the endpoint (TUN or TAP named v.devVxlan, device address DEVICE_IP unless `at` says otherwise);
 * resolves once ready. GTP-U: downlinkId = the TEID replies must carry (default id).
 */
export async function startTunnelUe(lab: NetnsLab, v: VpgLab, mode: UeMode, id: number, downlinkId?: number, at?: UeAddressing): Promise<Background> {
  const script = resolve(process.cwd(), 'test/e2e/_support/tunnel-ue.py');
  // Ethernet: the kernel on the TAP resolves the next hop by ARP (the gateway answers)
  const route = at?.route ?? (mode === 'geneve-eth' ? `10.129.0.0/24 via 10.128.0.1 dev ${v.devVxlan}` : `10.129.0.0/24 dev ${v.devVxlan}`);
  const ue = lab.spawn(v.dev, ['python3', '-u', script, mode, v.devVxlan, at?.addr ?? `${DEVICE_IP}/24`, route, '198.18.1.2', '198.18.1.1', String(id), ...(downlinkId !== undefined ? [String(downlinkId)] : [])]);
  await ue.waitFor(/tunnel-ue: ready/, 'the tunnel endpoint');
  return ue;
}

/** The stats line the endpoint prints when stopped. */
export function ueStats(ue: Background): UeStats {
  const line = ue.out.split('\n').find((l) => l.startsWith('tunnel-ue: stats '));
  if (!line) throw new Error(`no stats line from the tunnel endpoint: ${ue.out}`);
  return JSON.parse(line.slice('tunnel-ue: stats '.length)) as UeStats;
}
