// The target side of a single SYN: a RST, or a SYN-ACK that the prober may reset.
import { TcpFlag } from '../../packet/build/tcp.js';
import type { SimDevice } from '../device.js';
import type { Session, SimContext } from '../session.js';
import type { WireHost } from '../wire.js';

export const ProbeAnswer = { RST: 0, SYNACK: 1, SYNACK_THEN_RST: 2 } as const;

export class ProbeReply implements Session {
  t = 0;
  seq = 0;
  private phase = 0;
  private readonly host: WireHost;

  constructor(
    private readonly dev: SimDevice,
    hostIp: number,
    hostTtl: number,
    private readonly devPort: number,
    private readonly hostPort: number,
    private readonly synSeq: number,
    private readonly serverIsn: number,
    private readonly answer: number,
  ) {
    this.host = { ip: hostIp, ttl: hostTtl };
  }

  step(ctx: SimContext): number {
    const w = ctx.wire;
    const ack = (this.synSeq + 1) >>> 0;
    if (this.phase === 0) {
      this.phase = 1;
      if (this.answer === ProbeAnswer.RST) {
        w.tcp(this.dev, this.host, false, this.devPort, this.hostPort, 0, ack, TcpFlag.RST | TcpFlag.ACK, 0, null, null, 0, 0, 0, this.t);
        return -1;
      }
      w.tcp(this.dev, this.host, false, this.devPort, this.hostPort, this.serverIsn, ack, TcpFlag.SYN | TcpFlag.ACK, 29200, null, null, 0, 0, 0, this.t);
      return this.answer === ProbeAnswer.SYNACK_THEN_RST ? this.t + this.dev.rttUs : -1;
    }
    w.tcp(this.dev, this.host, true, this.devPort, this.hostPort, ack, 0, TcpFlag.RST, 0, null, null, 0, 0, 0, this.t);
    return -1;
  }
}
