// Scenario "dns-blocklisted": one device looks up malicious-looking names (BLOCKLISTED_DOMAINS, in turn)
// every ~15 s and connects over TLS to those that resolve; the DGA-looking one is NXDOMAIN.
import type { SimDevice } from '../device.js';
import { BLOCKLISTED_HOSTS } from '../hosts.js';
import type { Rng } from '../prng.js';
import type { Session, SimContext } from '../session.js';
import { TlsSession } from '../tls-session.js';
import { DnsLookup } from '../udp-exchange.js';

const MEAN_INTERVAL_US = 15e6;

export class DnsBlocklistedDriver implements Session {
  t = 0;
  seq = 0;
  private i = 0;

  constructor(
    private readonly dev: SimDevice,
    private readonly rng: Rng,
  ) {}

  step(ctx: SimContext): number {
    const h = BLOCKLISTED_HOSTS[this.i++ % BLOCKLISTED_HOSTS.length];
    const nx = h.name.includes('dga-');
    const then = nx ? null : new TlsSession(this.dev, this.rng, h, ['http/1.1'], [{ req: this.rng.range(200, 600), resp: this.rng.range(500, 4000), thinkUs: 0 }]);
    ctx.schedule(new DnsLookup(this.dev, this.rng, h, 300, then, nx), this.t);
    const next = this.t + this.rng.jitter(MEAN_INTERVAL_US, 0.5);
    return next < ctx.endUs ? next : -1;
  }
}
