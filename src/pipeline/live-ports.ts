// Opens the ports a config declares (`gateway.ports`). The ports that need the native addon throw
// FG_ERR_UNSUPPORTED naming the port kind when it did not build; a pcap port never needs it.
import type { DevicePortConfig, PortsConfig, TunPortConfig } from '../control/config/types.js';
import { PcapFilePort } from '../io/ports/pcap-file-port.js';
import type { Port } from '../io/ports/port.js';
import { TunPort } from '../io/ports/tun-port.js';
import { UdpTunnelPort } from '../io/ports/udp-tunnel-port.js';

export interface LivePorts {
  devices: Port;
  network?: TunPort;
  /** 0 = reply to the endpoint's source port; undefined = the tunnel's well-known port. */
  replyPort?: number;
  gatewayMac: Uint8Array;
}

export function openPorts(cfg: PortsConfig, opts: { onFileEnd?: (e?: Error) => void } = {}): LivePorts {
  const devices = openPort(cfg.devices, opts.onFileEnd);
  const out: LivePorts = { devices, gatewayMac: parseMac(cfg.gatewayMac) };
  if (cfg.network) out.network = tunPort(cfg.network, 1);
  if (cfg.devices.kind === 'vxlan' || cfg.devices.kind === 'geneve' || cfg.devices.kind === 'gtpu') out.replyPort = cfg.devices.replyPort;
  return out;
}

/** The devices port a config declares (not started). */
export function openPort(c: DevicePortConfig, onFileEnd?: (e?: Error) => void): Port {
  switch (c.kind) {
    case 'vxlan':
    case 'geneve':
    case 'gtpu':
      return new UdpTunnelPort({ kind: c.kind, address: c.address, port: c.port });
    case 'tun':
      return tunPort(c, 0);
    case 'pcap':
      return new PcapFilePort({ path: c.file, pace: c.pace, onEnd: onFileEnd });
  }
}

/** A TUN port (not started): ifIndex 0 = the devices side, 1 = the network side. */
export function tunPort(c: TunPortConfig, ifIndex: number): TunPort {
  return new TunPort({ name: c.name, addresses: c.addresses, mtu: c.mtu, ifIndex });
}

/** 'aa:bb:cc:dd:ee:ff' → 6 bytes (the config schema checked the shape). */
export function parseMac(text: string): Uint8Array {
  return Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
}
