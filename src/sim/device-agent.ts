// Decides when each device does what: MQTT sessions, API calls (TLS), NTP, firmware checks (HTTP),
// camera uploads (TLS), router clients' browsing (TLS); a DNS lookup first whenever the cached name expired.
import type { SimDevice } from './device.js';
import type { DeviceGroup } from './fleet.js';
import { API_HOST, BROWSING_HOSTS, MEDIA_HOST, NTP_HOST, type SimHost } from './hosts.js';
import { HttpFirmwareSession } from './http-session.js';
import { MqttSession } from './mqtt-session.js';
import type { Rng } from './prng.js';
import type { Session, SimContext } from './session.js';
import { TlsSession, type TlsRound } from './tls-session.js';
import { DnsLookup, NtpExchange } from './udp-exchange.js';
import { FIRMWARE_HOST, MQTT_HOST } from './hosts.js';

const A = { MQTT: 0, API: 1, NTP: 2, FIRMWARE: 3, MEDIA: 4, BROWSE: 5 } as const;
const ACTIVITIES = 6;
/** Mean interval per activity (µs) at rate 1; 0 = never. Order as in A. */
const INTERVAL: Record<DeviceGroup, readonly number[]> = {
  meters: [0, 20e6, 64e6, 300e6, 0, 0],
  sensors: [0, 20e6, 64e6, 300e6, 0, 0],
  cameras: [0, 20e6, 64e6, 240e6, 30e6, 0],
  routers: [0, 20e6, 64e6, 180e6, 0, 1.5e6],
};
/** DNS TTLs the simulated zones hand out (s). */
const FLEET_TTL = 30;
const BROWSE_TTL = 300;

export class DeviceAgent implements Session {
  t = 0;
  seq = 0;
  private readonly next = new Float64Array(ACTIVITIES);

  constructor(
    private readonly dev: SimDevice,
    private readonly rng: Rng,
    startUs: number,
    private readonly rate: number,
  ) {
    const iv = INTERVAL[dev.group];
    this.next[A.MQTT] = startUs + rng.range(0, 10e6);
    for (let a = 1; a < ACTIVITIES; a++) this.next[a] = iv[a] === 0 ? Infinity : startUs + rng.range(0, iv[a] / rate);
  }

  /** Earliest pending activity time. */
  firstTime(): number {
    let m = Infinity;
    for (let a = 0; a < ACTIVITIES; a++) if (this.next[a] < m) m = this.next[a];
    return m;
  }

  step(ctx: SimContext): number {
    const t = this.t;
    for (let a = 0; a < ACTIVITIES; a++) {
      if (this.next[a] > t) continue;
      this.next[a] = t + this.start(ctx, a, t);
    }
    const m = this.firstTime();
    return m < ctx.endUs ? m : -1;
  }

  /** Starts activity a at t; returns the delay until its next start. */
  private start(ctx: SimContext, a: number, t: number): number {
    const dev = this.dev;
    const rng = this.rng;
    const iv = INTERVAL[dev.group][a] / this.rate;
    switch (a) {
      case A.MQTT: {
        const life = rng.range(60e6, 300e6);
        this.viaDns(ctx, MQTT_HOST, FLEET_TTL, new MqttSession(dev, rng, t + life), t);
        return life + rng.range(2e6, 10e6);
      }
      case A.API:
        this.viaDns(ctx, API_HOST, FLEET_TTL, new TlsSession(dev, rng, API_HOST, ['http/1.1'], this.rounds(rng.range(1, 3), 150, 900, 200, 3000)), t);
        break;
      case A.NTP:
        this.viaDns(ctx, NTP_HOST, FLEET_TTL, new NtpExchange(dev, NTP_HOST), t);
        break;
      case A.FIRMWARE:
        this.viaDns(ctx, FIRMWARE_HOST, FLEET_TTL, new HttpFirmwareSession(dev, rng), t);
        break;
      case A.MEDIA:
        this.viaDns(ctx, MEDIA_HOST, FLEET_TTL, new TlsSession(dev, rng, MEDIA_HOST, ['http/1.1'], this.rounds(1, 20_000, 80_000, 150, 400)), t);
        break;
      case A.BROWSE: {
        const h = rng.pick(BROWSING_HOSTS);
        this.viaDns(ctx, h, BROWSE_TTL, new TlsSession(dev, rng, h, ['h2', 'http/1.1'], this.rounds(rng.range(1, 2), 300, 1500, 1000, 16_000)), t);
        break;
      }
    }
    return rng.jitter(iv, 0.3);
  }

  private rounds(n: number, reqLo: number, reqHi: number, respLo: number, respHi: number): TlsRound[] {
    const out: TlsRound[] = [];
    for (let i = 0; i < n; i++) {
      out.push({ req: this.rng.range(reqLo, reqHi), resp: this.rng.range(respLo, respHi), thinkUs: this.rng.range(50_000, 800_000) });
    }
    return out;
  }

  /** Schedules s at t, preceded by a DNS lookup of h when the device's cache entry expired. */
  private viaDns(ctx: SimContext, h: SimHost, ttl: number, s: Session, t: number): void {
    if (this.dev.dnsExpiry[h.id] > t) ctx.schedule(s, t);
    else ctx.schedule(new DnsLookup(this.dev, this.rng, h, ttl, s), t);
  }
}
