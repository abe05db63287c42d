// Packet capture sessions (SORACOM Peek shape): a stored session row plus a running capture in the
// data plane; the row is finished when the data plane reports the pcap (DONE / STOPPED / FAILED).
import type { Actor } from './auth/actor.js';
import type { Store } from './store/store.js';
import { StoreError, type StoreProblem } from './store/store-error.js';
import { checkDeviceIp, checkImsi, parseSubnets } from './store/validate.js';
import type { CaptureSession } from './store/model.js';
import type { CaptureHandle, DataPlane } from './data-plane.js';

export interface CaptureRequest {
  /** Seconds, 1..3600. */
  duration: number;
  deviceIp?: string;
  imsi?: string;
  /** File name prefix, ^[0-9A-Za-z_-]{0,100}$. */
  prefix?: string;
}

export const PREFIX_RE = /^[0-9A-Za-z_-]{0,100}$/;

export class CaptureService {
  private readonly running = new Map<string, { handle: CaptureHandle; stopRequested: boolean }>();

  constructor(
    private readonly store: Store,
    private readonly dataPlane: DataPlane,
  ) {}

  start(actor: Actor, gatewayId: string, req: CaptureRequest): CaptureSession {
    const gw = this.store.gateways.require(actor.operatorId, gatewayId);
    const problems: StoreProblem[] = [];
    if (!Number.isInteger(req.duration) || req.duration < 1 || req.duration > 3600) problems.push({ path: 'body.duration', problem: 'must be 1..3600 seconds' });
    if (req.prefix !== undefined && !PREFIX_RE.test(req.prefix)) problems.push({ path: 'body.prefix', problem: 'must match ^[0-9A-Za-z_-]{0,100}$' });
    if (req.deviceIp !== undefined && req.imsi !== undefined) problems.push({ path: 'body', problem: 'give deviceIp or imsi, not both' });
    let deviceIp: string | undefined;
    if (req.deviceIp !== undefined) deviceIp = checkDeviceIp(req.deviceIp, parseSubnets(gw.deviceSubnets), 'body.deviceIp', problems) ?? undefined;
    if (req.imsi !== undefined) {
      checkImsi(req.imsi, 'body.imsi', problems);
      if (problems.length === 0) {
        const d = this.store.devices.list(actor.operatorId, gatewayId, { imsi: req.imsi }, 1)[0];
        if (!d) throw StoreError.notFound(`device with imsi ${req.imsi}`);
        deviceIp = d.ip;
      }
    }
    if (problems.length) throw StoreError.invalid(problems);
    if (this.dataPlane.counters(gatewayId) === null) throw StoreError.conflict(`gateway '${gatewayId}' has no running data path to capture from`);
    const s = this.store.captures.create(actor, gatewayId, { prefix: req.prefix ?? '', duration: req.duration, ...(deviceIp !== undefined && { deviceIp }) });
    const id = s.sessionId;
    const entry = { handle: { stop() {} } as CaptureHandle, stopRequested: false };
    this.running.set(id, entry);
    try {
      entry.handle = this.dataPlane.startCapture(gatewayId, deviceIp !== undefined ? { deviceIp } : {}, req.duration, (path, reason) => {
        this.running.delete(id);
        if (path === null) this.store.captures.finish(id, 'FAILED', null, reason ?? 'capture failed');
        else this.store.captures.finish(id, entry.stopRequested ? 'STOPPED' : 'DONE', path);
      });
    } catch (e) {
      this.running.delete(id);
      this.store.captures.finish(id, 'FAILED', null, (e as Error).message);
    }
    return this.store.captures.get(actor.operatorId, gatewayId, id);
  }

  stop(actor: Actor, gatewayId: string, id: string): CaptureSession {
    this.store.gateways.require(actor.operatorId, gatewayId);
    const s = this.store.captures.get(actor.operatorId, gatewayId, id);
    const r = this.running.get(id);
    if (s.status !== 'CAPTURING' || !r) throw StoreError.conflict(`session '${id}' is ${s.status}, not CAPTURING`);
    r.stopRequested = true;
    r.handle.stop();
    return s;
  }

  /** Waits (bounded) until a session is no longer CAPTURING; for the API's stop and for tests. */
  async settle(operatorId: string, gatewayId: string, id: string, timeoutMs = 2000): Promise<CaptureSession> {
    const until = Date.now() + timeoutMs;
    let s = this.store.captures.get(operatorId, gatewayId, id);
    while (s.status === 'CAPTURING' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
      s = this.store.captures.get(operatorId, gatewayId, id);
    }
    return s;
  }

  stopAll(): void {
    for (const r of this.running.values()) {
      r.stopRequested = true;
      r.handle.stop();
    }
  }
}
