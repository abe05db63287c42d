// One-request/one-response UDP exchanges: DNS A lookups (then the session that uses the answer) and NTP.
import type { SimDevice } from './device.js';
import { RESOLVER, type SimHost } from './hosts.js';
import { dnsAnswer, dnsQuery, DnsRcode } from './protocols/dns.js';
import { ntpRequest, ntpResponse } from './protocols/ntp.js';
import type { Rng } from './prng.js';
import type { Session, SimContext } from './session.js';
import type { WireHost } from './wire.js';

export const DNS_PORT = 53;
export const NTP_PORT = 123;

export class DnsLookup implements Session {
  t = 0;
  seq = 0;
  private phase = 0;
  private readonly port: number;
  private readonly id: number;

  /** `then` (if any) is scheduled a few ms after the answer; nxdomain answers without records. */
  constructor(
    private readonly dev: SimDevice,
    rng: Rng,
    private readonly target: SimHost,
    private readonly ttlSec: number,
    private readonly then: Session | null,
    private readonly nxdomain = false,
  ) {
    this.port = dev.nextPort();
    this.id = rng.int(65536);
  }

  step(ctx: SimContext): number {
    const name = this.target.name;
    if (this.phase === 0) {
      ctx.flowStarted();
      this.phase = 1;
      ctx.wire.udp(this.dev, RESOLVER, true, this.port, DNS_PORT, dnsQuery(this.id, name), this.t);
      // cached at the resolver most of the time; a recursive lookup otherwise
      return this.t + RESOLVER.rttUs + (ctx.rng.chance(0.8) ? ctx.rng.range(100, 900) : ctx.rng.range(15_000, 80_000));
    }
    const rcode = this.nxdomain ? DnsRcode.NXDOMAIN : DnsRcode.NOERROR;
    ctx.wire.udp(this.dev, RESOLVER, false, this.port, DNS_PORT, dnsAnswer(this.id, name, [this.target.ip], this.ttlSec, rcode), this.t);
    if (!this.nxdomain) this.dev.dnsExpiry[this.target.id] = this.t + this.ttlSec * 1e6;
    if (this.then !== null) ctx.schedule(this.then, this.t + ctx.rng.range(1000, 5000));
    return -1;
  }
}

export class NtpExchange implements Session {
  t = 0;
  seq = 0;
  private phase = 0;
  private readonly port: number;
  private req: Uint8Array | null = null;
  private rxUs = 0;

  constructor(
    private readonly dev: SimDevice,
    private readonly server: WireHost & { rttUs: number },
  ) {
    this.port = dev.nextPort();
  }

  step(ctx: SimContext): number {
    if (this.phase === 0) {
      ctx.flowStarted();
      this.phase = 1;
      // the device's clock is a little off; the request carries its own idea of the time
      this.req = ntpRequest(this.t - this.dev.rttUs / 2 + (this.dev.ip % 50_000));
      ctx.wire.udp(this.dev, this.server, true, this.port, NTP_PORT, this.req, this.t);
      this.rxUs = this.t + this.server.rttUs / 2;
      return this.t + this.server.rttUs + 40;
    }
    ctx.wire.udp(this.dev, this.server, false, this.port, NTP_PORT, ntpResponse(this.req!, this.rxUs, this.rxUs + 40, 0xc0000201), this.t);
    return -1;
  }
}
