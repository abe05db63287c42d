// A TLS 1.3 client session on TCP 443: ClientHello (SNI, ALPN...), ServerHello + CCS + encrypted flight,
// client Finished, then request/response rounds as application-data records, then close_notify.
import type { SimDevice } from './device.js';
import type { SimHost } from './hosts.js';
import type { Rng } from './prng.js';
import { Bytes } from './protocols/bytes.js';
import { TLS_CCS, tlsAppDataHeader, tlsAppDataRecord, tlsClientHello, tlsServerHello } from './protocols/tls.js';
import type { SimContext } from './session.js';
import { TcpSession } from './tcp-session.js';

export const TLS_PORT = 443;
const RECORD_PLAIN = 16384;
const AEAD = 17; // tag + inner content type

export interface TlsRound {
  /** Application bytes the client sends, then the server answers (plaintext sizes). */
  req: number;
  resp: number;
  /** Client think time before this round's request (ignored for the first round). */
  thinkUs: number;
}

export class TlsSession extends TcpSession {
  private phase = 0;
  private round = 0;
  private bulkLeft = 0;
  private bulkClient = true;
  private readonly sessionId: Uint8Array;

  constructor(
    dev: SimDevice,
    rng: Rng,
    private readonly server: SimHost,
    private readonly alpn: readonly string[],
    private readonly rounds: readonly TlsRound[],
  ) {
    super(dev, server, dev.nextPort(), TLS_PORT, rng.u32(), rng.u32());
    this.sessionId = rng.bytes(32);
  }

  protected nextMessage(ctx: SimContext, _now: number): boolean {
    const rng = ctx.rng;
    if (this.bulkLeft > 0) {
      this.record(this.bulkClient, this.bulkLeft, 0);
      return true;
    }
    switch (this.phase) {
      case 0:
        this.phase = 1;
        this.whole(true, tlsClientHello(rng, this.server.name, this.alpn, this.sessionId), 0);
        return true;
      case 1: {
        // ServerHello + CCS, then EncryptedExtensions/Certificate/CertificateVerify/Finished in one record
        this.phase = 2;
        const sh = tlsServerHello(rng, this.sessionId);
        const flight = rng.range(2200, 4200);
        const head = new Bytes().raw(sh).raw(tlsAppDataHeader(flight)).done();
        this.nFromClient = false;
        this.nHead = head;
        this.nLen = head.length + flight;
        this.nGapUs = rng.range(1000, 6000);
        return true;
      }
      case 2: {
        // client CCS + Finished, then the first request
        this.phase = 3;
        this.whole(true, new Bytes().raw(TLS_CCS).raw(tlsAppDataRecord(rng, 53)).done(), 0);
        this.bulkClient = true;
        this.bulkLeft = this.rounds.length > 0 ? this.rounds[0].req : 0;
        return true;
      }
      case 3: {
        // server response to the current round
        if (this.round >= this.rounds.length) {
          this.phase = 5;
          return this.nextMessage(ctx, _now);
        }
        this.phase = 4;
        this.bulkClient = false;
        this.bulkLeft = this.rounds[this.round].resp;
        this.record(false, this.bulkLeft, rng.range(2000, 25000));
        return true;
      }
      case 4: {
        this.round++;
        if (this.round >= this.rounds.length) {
          this.phase = 5;
          return this.nextMessage(ctx, _now);
        }
        this.phase = 3;
        this.bulkClient = true;
        this.bulkLeft = this.rounds[this.round].req;
        this.record(true, this.bulkLeft, this.rounds[this.round].thinkUs);
        return true;
      }
      case 5:
        this.phase = 6;
        this.whole(true, tlsAppDataRecord(rng, 19), rng.range(5000, 50000)); // close_notify
        return true;
      default:
        return false;
    }
  }

  private whole(fromClient: boolean, msg: Uint8Array, gapUs: number): void {
    this.nFromClient = fromClient;
    this.nHead = msg;
    this.nLen = msg.length;
    this.nGapUs = gapUs;
  }

  /** Next application-data record of the pending bulk (ciphertext is filler). */
  private record(fromClient: boolean, left: number, gapUs: number): void {
    const plain = Math.min(left, RECORD_PLAIN);
    this.bulkLeft = left - plain;
    this.bulkClient = fromClient;
    const head = tlsAppDataHeader(plain + AEAD);
    this.nFromClient = fromClient;
    this.nHead = head;
    this.nLen = head.length + plain + AEAD;
    this.nGapUs = gapUs;
  }
}
