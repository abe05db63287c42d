// The TCP conversation engine: handshake, data in MSS segments with slow-start flights and cumulative
// ACKs (every second segment), piggybacked ACKs on replies, and FIN teardown. Subclasses supply the
// application messages through nextMessage(); the engine keeps sequence and acknowledgment numbers right.
import { TcpFlag, synOptions } from '../packet/build/tcp.js';
import type { SimDevice } from './device.js';
import type { SimContext, Session } from './session.js';
import { MSS, type WireHost } from './wire.js';

const S = { SYN: 0, SYNACK: 1, ACK: 2, DATA: 3, ACKS: 4, FIN1: 5, FIN2: 6, FIN3: 7 } as const;
/** Delayed-ACK timer: a reply sooner than this carries the ACK itself. */
const DELAYED_ACK_US = 40_000;
const INIT_CWND = 10;
const MAX_CWND = 40;
const SERVER_US_PER_BYTE = 0.16; // ~50 Mbit/s towards the device
const CLIENT_SYN_OPTS = synOptions(1380, 7);
const SERVER_SYN_OPTS = synOptions(1440, 8);

export interface RemoteHost extends WireHost {
  rttUs: number;
}

export abstract class TcpSession implements Session {
  t = 0;
  seq = 0;
  private state: number = S.SYN;
  private cNext: number;
  private sNext: number;
  // current message
  protected msgFromClient = true;
  private msgHead: Uint8Array | null = null;
  private msgLen = 0;
  private msgOff = 0;
  private msgFill = 0;
  private msgDone = true;
  // next message, filled by nextMessage()
  protected nFromClient = true;
  protected nHead: Uint8Array | null = null;
  protected nLen = 0;
  protected nGapUs = 0;
  private hasNext = false;
  // flight bookkeeping (sender = msgFromClient)
  private flightSegs = 0;
  private cwndC = INIT_CWND;
  private cwndS = INIT_CWND;
  private readonly ackPoints = new Float64Array(MAX_CWND / 2 + 2);
  private ackCount = 0;
  private ackIdx = 0;
  /** Which side closes (sends the first FIN). */
  protected clientCloses = true;

  constructor(
    protected readonly dev: SimDevice,
    protected readonly host: RemoteHost,
    readonly devPort: number,
    readonly hostPort: number,
    isnC: number,
    isnS: number,
  ) {
    this.cNext = isnC >>> 0;
    this.sNext = isnS >>> 0;
  }

  /** Sets nFromClient/nHead/nLen/nGapUs for the next message (gap counted from the previous event); false when done. */
  protected abstract nextMessage(ctx: SimContext, now: number): boolean;

  private rtt(client: boolean): number {
    return client ? this.dev.rttUs : this.host.rttUs;
  }

  private spacing(client: boolean, len: number): number {
    return Math.max(1, Math.round((len + 54) * (client ? this.dev.usPerByte : SERVER_US_PER_BYTE)));
  }

  private emit(ctx: SimContext, fromClient: boolean, flags: number, opts: Uint8Array | null, head: Uint8Array | null, off: number, len: number, fill: number): void {
    const seq = fromClient ? this.cNext : this.sNext;
    const ack = flags & TcpFlag.ACK ? (fromClient ? this.sNext : this.cNext) : 0;
    ctx.wire.tcp(this.dev, this.host, fromClient, this.devPort, this.hostPort, seq, ack, flags, fromClient ? 64240 : 65160, opts, head, off, len, fill, this.t);
  }

  private fetch(ctx: SimContext): void {
    this.hasNext = this.nextMessage(ctx, this.t);
  }

  private begin(): void {
    this.msgFromClient = this.nFromClient;
    this.msgHead = this.nHead;
    this.msgLen = this.nLen;
    this.msgOff = 0;
    this.msgFill = (this.cNext ^ this.sNext) & 0xffff;
    this.msgDone = false;
    this.hasNext = false;
  }

  /** Moves to sending the fetched message at t + delay, or to closing when there is none. */
  private afterAck(ctx: SimContext, reactUs: number): number {
    if (!this.msgDone) {
      this.state = S.DATA;
      return this.t + reactUs;
    }
    if (!this.hasNext) this.fetch(ctx);
    if (!this.hasNext) {
      this.state = S.FIN1;
      return this.t + 1_000 + (this.clientCloses ? 0 : 500);
    }
    this.begin();
    this.state = S.DATA;
    return this.t + Math.max(100, this.nGapUs);
  }

  step(ctx: SimContext): number {
    const t = this.t;
    switch (this.state) {
      case S.SYN:
        ctx.flowStarted();
        this.emit(ctx, true, TcpFlag.SYN, CLIENT_SYN_OPTS, null, 0, 0, 0);
        this.cNext = (this.cNext + 1) >>> 0;
        this.state = S.SYNACK;
        return t + this.host.rttUs;
      case S.SYNACK:
        this.emit(ctx, false, TcpFlag.SYN | TcpFlag.ACK, SERVER_SYN_OPTS, null, 0, 0, 0);
        this.sNext = (this.sNext + 1) >>> 0;
        this.state = S.ACK;
        return t + this.dev.rttUs;
      case S.ACK:
        this.emit(ctx, true, TcpFlag.ACK, null, null, 0, 0, 0);
        this.fetch(ctx);
        if (this.hasNext) {
          this.begin();
          this.state = S.DATA;
          return t + (this.msgFromClient ? 200 : this.host.rttUs) + this.nGapUs;
        }
        this.state = S.FIN1;
        return t + 1_000;
      case S.DATA:
        return this.data(ctx);
      case S.ACKS: {
        const fromClient = !this.msgFromClient;
        const i = this.ackIdx++;
        // ack number: the recorded segment boundary (the sender's next seq while the flight was sent)
        const saved = fromClient ? this.sNext : this.cNext;
        if (fromClient) this.sNext = this.ackPoints[i];
        else this.cNext = this.ackPoints[i];
        this.emit(ctx, fromClient, TcpFlag.ACK, null, null, 0, 0, 0);
        if (fromClient) this.sNext = saved;
        else this.cNext = saved;
        if (this.ackIdx < this.ackCount) return t + 60;
        this.flightSegs = 0;
        this.ackCount = 0;
        if (this.msgFromClient) this.cwndC = Math.min(MAX_CWND, this.cwndC * 2);
        else this.cwndS = Math.min(MAX_CWND, this.cwndS * 2);
        return this.afterAck(ctx, this.rtt(this.msgFromClient));
      }
      case S.FIN1:
        this.emit(ctx, this.clientCloses, TcpFlag.FIN | TcpFlag.ACK, null, null, 0, 0, 0);
        if (this.clientCloses) this.cNext = (this.cNext + 1) >>> 0;
        else this.sNext = (this.sNext + 1) >>> 0;
        this.state = S.FIN2;
        return t + this.rtt(!this.clientCloses) + 100;
      case S.FIN2:
        this.emit(ctx, !this.clientCloses, TcpFlag.FIN | TcpFlag.ACK, null, null, 0, 0, 0);
        if (this.clientCloses) this.sNext = (this.sNext + 1) >>> 0;
        else this.cNext = (this.cNext + 1) >>> 0;
        this.state = S.FIN3;
        return t + this.rtt(this.clientCloses);
      case S.FIN3:
        this.emit(ctx, this.clientCloses, TcpFlag.ACK, null, null, 0, 0, 0);
        return -1;
      default:
        return -1;
    }
  }

  private data(ctx: SimContext): number {
    const client = this.msgFromClient;
    const len = Math.min(MSS, this.msgLen - this.msgOff);
    const last = this.msgOff + len >= this.msgLen;
    this.emit(ctx, client, last ? TcpFlag.PSH | TcpFlag.ACK : TcpFlag.ACK, null, this.msgHead, this.msgOff, len, this.msgFill);
    if (client) this.cNext = (this.cNext + len) >>> 0;
    else this.sNext = (this.sNext + len) >>> 0;
    this.msgOff += len;
    this.flightSegs++;
    // every second segment (and a message end) is a point the receiver acknowledges
    if ((this.flightSegs & 1) === 0 || last) {
      if (this.ackCount < this.ackPoints.length) this.ackPoints[this.ackCount++] = client ? this.cNext : this.sNext;
      else this.ackPoints[this.ackCount - 1] = client ? this.cNext : this.sNext;
    }
    const cwnd = client ? this.cwndC : this.cwndS;
    const t = this.t;
    if (!last) {
      if (this.flightSegs >= cwnd) return this.startAcks(t + this.rtt(!client));
      return t + this.spacing(client, len);
    }
    this.msgDone = true;
    this.fetch(ctx);
    if (this.hasNext && this.nGapUs < DELAYED_ACK_US) {
      if (this.nFromClient === client) {
        // same sender keeps writing: continue the flight unless the window is full
        if (this.flightSegs >= cwnd) return this.startAcks(t + this.rtt(!client));
        this.begin();
        return t + this.spacing(client, len) + this.nGapUs;
      }
      // the reply carries the ACK
      this.flightSegs = 0;
      this.ackCount = 0;
      this.begin();
      return t + this.rtt(!client) + this.nGapUs;
    }
    // a lone segment waits for the receiver's delayed-ACK timer
    return this.startAcks(t + this.rtt(!client) + (this.flightSegs === 1 ? DELAYED_ACK_US : 50));
  }

  private startAcks(at: number): number {
    this.state = S.ACKS;
    this.ackIdx = 0;
    if (this.ackCount === 0) this.ackPoints[this.ackCount++] = this.msgFromClient ? this.cNext : this.sNext;
    return at;
  }
}
