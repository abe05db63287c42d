// Runtime state of one simulated device: addressing, link characteristics, DNS cache, port allocation.
import type { DeviceGroup, FleetDevice } from './fleet.js';
import { HOSTS } from './hosts.js';
import type { Rng } from './prng.js';
import type { WireDevice } from './wire.js';

/** Link profile per group: radio round trip (µs) and uplink speed (µs per byte on the air). */
const LINK: Record<DeviceGroup, { rttLo: number; rttHi: number; usPerByte: number }> = {
  meters: { rttLo: 80_000, rttHi: 180_000, usPerByte: 8 }, // ~1 Mbit/s LTE-M
  sensors: { rttLo: 60_000, rttHi: 150_000, usPerByte: 4 },
  cameras: { rttLo: 35_000, rttHi: 70_000, usPerByte: 0.8 }, // ~10 Mbit/s LTE
  routers: { rttLo: 25_000, rttHi: 50_000, usPerByte: 0.4 },
};

export class SimDevice implements WireDevice {
  readonly ip: number;
  readonly mac: Uint8Array;
  ipId: number;
  readonly rttUs: number;
  readonly usPerByte: number;
  private port: number;
  /** Per host id: time (µs) until which the device's resolver cache holds the name. */
  readonly dnsExpiry: Float64Array;
  /** MQTT packet identifier counter. */
  mqttPacketId = 1;

  constructor(
    readonly info: FleetDevice,
    rng: Rng,
  ) {
    this.ip = info.ip;
    this.mac = Uint8Array.of(0x02, 0x00, info.ip >>> 24, (info.ip >>> 16) & 255, (info.ip >>> 8) & 255, info.ip & 255);
    this.ipId = rng.int(65536);
    const link = LINK[info.group];
    this.rttUs = rng.range(link.rttLo, link.rttHi);
    this.usPerByte = link.usPerByte;
    this.port = rng.range(32768, 60999);
    this.dnsExpiry = new Float64Array(HOSTS.length);
  }

  get group(): DeviceGroup {
    return this.info.group;
  }

  /** Next ephemeral source port (Linux range 32768-60999, sequential from a random start). */
  nextPort(): number {
    this.port = this.port >= 60999 ? 32768 : this.port + 1;
    return this.port;
  }
}
