// The servers the fleet talks to: names (resolved by the simulated DNS), addresses in documentation
// ranges (RFC 5737), and the gateway-to-server round trip seen at the capture point.
import { parseIPv4 } from '../core/ip.js';

export interface SimHost {
  id: number;
  name: string;
  ip: number;
  /** Round trip gateway → server → gateway, µs. */
  rttUs: number;
  /** IP TTL of packets arriving from this server. */
  ttl: number;
}

export const RESOLVER = { name: 'resolver', ip: parseIPv4('198.51.100.53'), rttUs: 2_000, ttl: 62 };

function h(name: string, ip: string, rttUs: number, ttl: number) {
  return { name, ip: parseIPv4(ip), rttUs, ttl };
}

// Fleet back end.
const FLEET = [
  h('mqtt.fleet.example', '203.0.113.10', 18_000, 52),
  h('api.fleet.example', '203.0.113.30', 22_000, 51),
  h('firmware.fleet.example', '203.0.113.20', 35_000, 49),
  h('media.fleet.example', '203.0.113.40', 25_000, 50),
  h('time.fleet.example', '198.51.100.123', 6_000, 58),
];
// What routers' clients browse.
const BROWSING = [
  h('www.example.com', '198.51.100.80', 30_000, 53),
  h('cdn.video.example', '198.51.100.81', 12_000, 56),
  h('updates.vendor.example', '198.51.100.82', 45_000, 48),
  h('weather.example.org', '198.51.100.83', 60_000, 47),
  h('maps.example.net', '198.51.100.84', 28_000, 52),
  h('chat.example.net', '198.51.100.85', 33_000, 50),
];
/** Malicious-looking names for the dns-blocklisted scenario (resolve into 192.0.2.0/24, TEST-NET-1). */
export const BLOCKLISTED_DOMAINS: readonly string[] = [
  'cnc.botnet-relay.example',
  'update.malware-drop.example',
  'xk2q9vw7ld.dga-pool.example',
  'pool.cryptominer-stratum.example',
  'login-verify.phish-kit.example',
  'payload.evil-loader.example',
];
const BLOCKLISTED = BLOCKLISTED_DOMAINS.map((n, i) => h(n, `192.0.2.${66 + i}`, 90_000, 45));
const EXFIL = [h('files.exfil-drop.example', '203.0.113.200', 70_000, 46)];

export const HOSTS: readonly SimHost[] = [...FLEET, ...BROWSING, ...BLOCKLISTED, ...EXFIL].map((x, id) => ({ id, ...x }));

const byName = new Map(HOSTS.map((x) => [x.name, x]));
export function host(name: string): SimHost {
  const x = byName.get(name);
  if (x === undefined) throw new Error(`unknown simulated host ${name}`);
  return x;
}

export const MQTT_HOST = host('mqtt.fleet.example');
export const API_HOST = host('api.fleet.example');
export const FIRMWARE_HOST = host('firmware.fleet.example');
export const MEDIA_HOST = host('media.fleet.example');
export const NTP_HOST = host('time.fleet.example');
export const EXFIL_HOST = host('files.exfil-drop.example');
export const BROWSING_HOSTS: readonly SimHost[] = BROWSING.map((b) => host(b.name));
export const BLOCKLISTED_HOSTS: readonly SimHost[] = BLOCKLISTED.map((b) => host(b.name));
/** SYN flood victim and scan target range (RFC 2544 benchmarking space 198.18.0.0/15). */
export const FLOOD_TARGET = { name: 'victim', ip: parseIPv4('203.0.113.80'), rttUs: 15_000, ttl: 54, port: 80 };
export const SCAN_BASE = parseIPv4('198.18.0.0');
export const SCAN_SPAN = 1 << 17;
