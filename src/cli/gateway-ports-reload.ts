// A one-thread `fleetgate gateway` reload that changes gateway.ports: the ports that changed are opened
// and the running LiveGateway moves onto them (LiveGateway.switchPorts; the pipeline, its flows and open
// report intervals stay). A port whose socket settings did not change is not reopened: a new replyPort
// or gatewayMac only changes what replies use. If a new port cannot open (address in use, no TUN, no
// native addon), the running ports stay and the refusal says why; the rest of the reload still applies.
// A new port on the running one's own UDP address:port or TUN name (vxlan → geneve on one port, new TUN
// addresses) cannot open beside it: the running one closes first, and opens again if the new one fails.
import type { DevicePortConfig, PortsConfig } from '../control/config/types.js';
import { FleetgateError } from '../core/errors.js';
import type { LiveGateway, LivePortsSwitch } from '../pipeline/live-gateway.js';
import { openPort, parseMac, tunPort } from '../pipeline/live-ports.js';

/** A devices port's settings that need a new socket or TUN (replyPort does not). */
function socketKey(c: DevicePortConfig): string {
  const { replyPort: _reply, ...rest } = c as DevicePortConfig & { replyPort?: number };
  return JSON.stringify(rest);
}

const replyPortOf = (c: DevicePortConfig): number | undefined => (c.kind === 'tun' || c.kind === 'pcap' ? undefined : c.replyPort);

/** True when two devices ports use the same UDP address:port or the same TUN name (they cannot both be open). */
function sameSocket(a: DevicePortConfig, b: DevicePortConfig): boolean {
  if (a.kind === 'tun' || b.kind === 'tun') return a.kind === 'tun' && b.kind === 'tun' && a.name === b.name;
  if (a.kind === 'pcap' || b.kind === 'pcap') return false;
  return a.port === b.port && (a.address === b.address || a.address === '0.0.0.0' || b.address === '0.0.0.0');
}

/** True when gateway.ports differs in anything (what a reload has to apply). */
export function portsChanged(old: PortsConfig | undefined, next: PortsConfig | undefined): boolean {
  return JSON.stringify(old) !== JSON.stringify(next);
}

/**
 * Applies next gateway.ports to gw (running on old). Resolves with the reload line's words
 * ("ports reopened: devices vxlan 127.0.0.1:4789 → geneve 127.0.0.1:6081"); throws, changing nothing,
 * when a new port cannot be opened or the change cannot be made while running (pcap ports).
 */
export async function reloadPorts(gw: LiveGateway, old: PortsConfig, next: PortsConfig | undefined): Promise<string> {
  if (!next) throw new FleetgateError('FG_ERR_USAGE', 'the new config declares no gateway.ports');
  if (old.devices.kind === 'pcap' || next.devices.kind === 'pcap') {
    throw new FleetgateError('FG_ERR_USAGE', 'a pcap devices port is read once from its start: changing to or from it needs a restart');
  }
  const devicesNew = socketKey(old.devices) !== socketKey(next.devices);
  const networkNew = JSON.stringify(old.network) !== JSON.stringify(next.network);
  const s: LivePortsSwitch = {};
  const beforeDevices = gw.devicesPort.label;
  const beforeNetwork = gw.networkPort?.label;
  const modeBefore = gw.mode;
  if (devicesNew) s.devices = openPort(next.devices);
  if (networkNew) s.network = next.network ? tunPort(next.network, 1) : null;
  // the same socket or TUN name with other settings (vxlan → geneve on one port): closed, then opened
  if (devicesNew && sameSocket(old.devices, next.devices)) s.reopenDevices = () => openPort(old.devices);
  const oldNet = old.network;
  if (networkNew && oldNet && next.network?.name === oldNet.name) s.reopenNetwork = () => tunPort(oldNet, 1);
  if (devicesNew || replyPortOf(old.devices) !== replyPortOf(next.devices)) s.replyPort = replyPortOf(next.devices);
  if (old.gatewayMac !== next.gatewayMac) s.gatewayMac = parseMac(next.gatewayMac);
  await gw.switchPorts(s);
  const words: string[] = [];
  if (devicesNew) words.push(`devices ${beforeDevices} → ${gw.devicesPort.label}`);
  if (networkNew) words.push(`network ${beforeNetwork ?? 'none'} → ${gw.networkPort?.label ?? 'none'}`);
  const reopened = words.length > 0 ? `ports reopened: ${words.join(', ')}` : 'ports kept';
  const kept = [
    !devicesNew ? `devices ${gw.devicesPort.label} kept` : '',
    !networkNew && gw.networkPort ? `network ${gw.networkPort.label} kept` : '',
    s.gatewayMac ? `gateway MAC ${next.gatewayMac}` : '',
    !devicesNew && replyPortOf(old.devices) !== replyPortOf(next.devices) ? `reply port ${replyPortOf(next.devices) ?? 'well-known'}` : '',
    gw.mode !== modeBefore ? `mode ${modeBefore} → ${gw.mode}` : '',
  ].filter((w) => w !== '');
  return kept.length > 0 ? `${reopened} (${kept.join(', ')})` : reopened;
}
