// An HTTP/1.1 firmware download on TCP 80: GET, then a 200 response with real headers and a few KB of
// body; the server closes (Connection: close).
import type { SimDevice } from './device.js';
import { FIRMWARE_HOST } from './hosts.js';
import type { Rng } from './prng.js';
import { httpGet, httpResponseHead } from './protocols/http.js';
import type { SimContext } from './session.js';
import { TcpSession } from './tcp-session.js';

export const HTTP_PORT = 80;

export class HttpFirmwareSession extends TcpSession {
  private phase = 0;
  private readonly path: string;
  private readonly bodyLen: number;

  constructor(dev: SimDevice, rng: Rng) {
    super(dev, FIRMWARE_HOST, dev.nextPort(), HTTP_PORT, rng.u32(), rng.u32());
    const model = `${dev.info.group.slice(0, -1)}-x${(dev.info.idx % 3) + 1}`;
    this.path = `/firmware/${dev.info.group}/${model}-v2.${dev.info.idx % 4}.${rng.range(0, 9)}.bin`;
    this.bodyLen = rng.range(2048, 8192);
    this.clientCloses = false;
  }

  protected nextMessage(ctx: SimContext, now: number): boolean {
    if (this.phase === 0) {
      this.phase = 1;
      const req = httpGet(FIRMWARE_HOST.name, this.path, `fleet-agent/2.4 (${this.dev.info.group})`);
      this.nFromClient = true;
      this.nHead = req;
      this.nLen = req.length;
      this.nGapUs = 0;
      return true;
    }
    if (this.phase === 1) {
      this.phase = 2;
      const etag = `${(this.bodyLen * 2654435761) >>> 0}`.slice(0, 8);
      const head = httpResponseHead(200, 'OK', 'application/octet-stream', this.bodyLen, Math.floor(now / 1000), etag);
      this.nFromClient = false;
      this.nHead = head;
      this.nLen = head.length + this.bodyLen;
      this.nGapUs = ctx.rng.range(3000, 30000);
      return true;
    }
    return false;
  }
}
