// Scenario "exfil": from mid-run on, one device uploads ~1.5 MB over TLS to one host every ~25 s: far
// above its baseline of small telemetry and API calls.
import type { SimDevice } from '../device.js';
import { EXFIL_HOST } from '../hosts.js';
import type { Rng } from '../prng.js';
import type { Session, SimContext } from '../session.js';
import { TlsSession } from '../tls-session.js';
import { DnsLookup } from '../udp-exchange.js';

const INTERVAL_US = 25e6;

export class ExfilDriver implements Session {
  t = 0;
  seq = 0;

  constructor(
    private readonly dev: SimDevice,
    private readonly rng: Rng,
  ) {}

  step(ctx: SimContext): number {
    const rng = this.rng;
    const s = new TlsSession(this.dev, rng, EXFIL_HOST, ['http/1.1'], [{ req: rng.range(1_200_000, 1_800_000), resp: rng.range(150, 400), thinkUs: 0 }]);
    if (this.dev.dnsExpiry[EXFIL_HOST.id] > this.t) ctx.schedule(s, this.t);
    else ctx.schedule(new DnsLookup(this.dev, rng, EXFIL_HOST, 300, s), this.t);
    const next = this.t + rng.jitter(INTERVAL_US, 0.2);
    return next < ctx.endUs ? next : -1;
  }
}
