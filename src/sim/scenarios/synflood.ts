// Scenario "synflood": one device sends SYNs at ~1000/s from random ports to one host:port for a window of
// the run; the victim answers the first 256 (its backlog) with SYN-ACKs that are never completed.
import { TcpFlag } from '../../packet/build/tcp.js';
import type { SimDevice } from '../device.js';
import { FLOOD_TARGET } from '../hosts.js';
import type { Rng } from '../prng.js';
import type { Session, SimContext } from '../session.js';
import { ProbeAnswer, ProbeReply } from './probe-reply.js';

const SYN_INTERVAL_US = 1_000;
const BACKLOG = 256;

export class SynFloodDriver implements Session {
  t = 0;
  seq = 0;
  private sent = 0;

  constructor(
    private readonly dev: SimDevice,
    private readonly rng: Rng,
    private readonly stopUs: number,
  ) {}

  step(ctx: SimContext): number {
    const rng = this.rng;
    const sport = rng.range(1024, 65535);
    const isn = rng.u32();
    ctx.flowStarted();
    ctx.wire.tcp(this.dev, FLOOD_TARGET, true, sport, FLOOD_TARGET.port, isn, 0, TcpFlag.SYN, 512, null, null, 0, 0, 0, this.t);
    if (this.sent++ < BACKLOG) {
      ctx.schedule(new ProbeReply(this.dev, FLOOD_TARGET.ip, FLOOD_TARGET.ttl, sport, FLOOD_TARGET.port, isn, rng.u32(), ProbeAnswer.SYNACK), this.t + FLOOD_TARGET.rttUs);
    }
    const next = this.t + rng.range(SYN_INTERVAL_US / 2, (SYN_INTERVAL_US * 3) / 2);
    return next < this.stopUs ? next : -1;
  }
}
