// Packet capture session rows (the sessions themselves run in control/capture-service.ts).
import type { StoreCore } from './store-core.js';
import type { Actor } from '../auth/actor.js';
import { StoreError } from './store-error.js';
import type { CaptureSession, CaptureStatus } from './model.js';

interface CaptureRow {
  id: string;
  operator_id: string;
  gateway_id: string;
  status: CaptureStatus;
  prefix: string;
  duration_s: number;
  device_ip: string | null;
  created: string;
  started: string | null;
  ended: string | null;
  pcap_path: string | null;
  failed_reason: string | null;
}

export class CapturesRepo {
  constructor(private readonly core: StoreCore) {}

  create(actor: Actor, gatewayId: string, s: { prefix: string; duration: number; deviceIp?: string }): CaptureSession {
    const id = this.core.newId('cap');
    this.core.mutate(actor, { action: 'capture.start', resource: `gateways/${gatewayId}/packet_capture_sessions/${id}` }, () => {
      const now = this.core.now();
      this.core.db
        .prepare(
          `INSERT INTO capture_sessions (id, operator_id, gateway_id, status, prefix, duration_s, device_ip, created, started)
           VALUES (?, ?, ?, 'CAPTURING', ?, ?, ?, ?, ?)`,
        )
        .run(id, actor.operatorId, gatewayId, s.prefix, s.duration, s.deviceIp ?? null, now, now);
    }, () => s);
    return this.get(actor.operatorId, gatewayId, id);
  }

  get(operatorId: string, gatewayId: string, id: string): CaptureSession {
    const r = this.row(operatorId, gatewayId, id);
    if (!r) throw StoreError.notFound(`packet capture session '${id}'`);
    return sessionOf(r);
  }

  /** The pcap file of a finished session, or null while it runs. */
  pcapPath(operatorId: string, gatewayId: string, id: string): string | null {
    return this.row(operatorId, gatewayId, id)?.pcap_path ?? null;
  }

  list(operatorId: string, gatewayId: string): CaptureSession[] {
    const rows = this.core.db.prepare('SELECT * FROM capture_sessions WHERE operator_id = ? AND gateway_id = ? ORDER BY created DESC, id').all(operatorId, gatewayId) as CaptureRow[];
    return rows.map(sessionOf);
  }

  /** Data-path side: a session ended (not audited: not an operator's change). */
  finish(id: string, status: CaptureStatus, pcapPath: string | null, failedReason?: string): void {
    this.core.db
      .prepare("UPDATE capture_sessions SET status = ?, ended = ?, pcap_path = ?, failed_reason = ? WHERE id = ? AND status = 'CAPTURING'")
      .run(status, this.core.now(), pcapPath, failedReason ?? null, id);
  }

  /** Sessions left CAPTURING by a previous process cannot finish: mark them FAILED. */
  failInterrupted(): number {
    return this.core.db
      .prepare("UPDATE capture_sessions SET status = 'FAILED', ended = ?, failed_reason = 'interrupted: the server stopped' WHERE status = 'CAPTURING'")
      .run(this.core.now()).changes;
  }

  private row(operatorId: string, gatewayId: string, id: string): CaptureRow | undefined {
    return this.core.db.prepare('SELECT * FROM capture_sessions WHERE id = ? AND operator_id = ? AND gateway_id = ?').get(id, operatorId, gatewayId) as CaptureRow | undefined;
  }
}

function sessionOf(r: CaptureRow): CaptureSession {
  const s: CaptureSession = { sessionId: r.id, gatewayId: r.gateway_id, status: r.status, prefix: r.prefix, duration: r.duration_s, createdTime: r.created };
  if (r.device_ip !== null) s.deviceIp = r.device_ip;
  if (r.started !== null) s.startedTime = r.started;
  if (r.ended !== null) s.endedTime = r.ended;
  if (r.failed_reason !== null) s.failedReason = r.failed_reason;
  return s;
}
