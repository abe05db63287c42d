// Scenario "scanner": one device scans telnet (23, and 2323 one time in five) across random addresses with
// Mirai-style SYNs (sequence number = target address). Most probes go unanswered; some get a RST, a few a
// SYN-ACK that the scanner resets.
import { TcpFlag } from '../../packet/build/tcp.js';
import type { SimDevice } from '../device.js';
import { SCAN_BASE, SCAN_SPAN } from '../hosts.js';
import type { Rng } from '../prng.js';
import type { Session, SimContext } from '../session.js';
import type { WireHost } from '../wire.js';
import { ProbeAnswer, ProbeReply } from './probe-reply.js';

const PROBE_INTERVAL_US = 25_000; // ~40 SYN/s

export class ScannerDriver implements Session {
  t = 0;
  seq = 0;
  private readonly target: WireHost = { ip: 0, ttl: 0 };

  constructor(
    private readonly dev: SimDevice,
    private readonly rng: Rng,
  ) {}

  step(ctx: SimContext): number {
    const rng = this.rng;
    const dst = (SCAN_BASE + rng.int(SCAN_SPAN)) >>> 0;
    const port = rng.chance(0.2) ? 2323 : 23;
    const sport = rng.range(1024, 65535);
    this.target.ip = dst;
    ctx.flowStarted();
    ctx.wire.tcp(this.dev, this.target, true, sport, port, dst, 0, TcpFlag.SYN, rng.range(1, 65535) & 0xffff, null, null, 0, 0, 0, this.t);
    const r = rng.float();
    if (r < 0.2) {
      const answer = r < 0.17 ? ProbeAnswer.RST : ProbeAnswer.SYNACK_THEN_RST;
      ctx.schedule(new ProbeReply(this.dev, dst, rng.range(40, 60), sport, port, dst, rng.u32(), answer), this.t + rng.range(20_000, 200_000));
    }
    const next = this.t + rng.exp(PROBE_INTERVAL_US) + 1;
    return next < ctx.endUs ? next : -1;
  }
}
