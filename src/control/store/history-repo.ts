// Inspection reports and finished flows written by the data path; queried by device, app and time.
import type { StoreCore } from './store-core.js';
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { FlowRecord } from '../../export/flows/flow-record.js';

export interface HistoryQuery {
  operatorId: string;
  gatewayId?: string;
  /** Device IP or IMSI. */
  device?: string;
  app?: string;
  /** ms since the epoch, inclusive. */
  fromMs?: number;
  /** ms since the epoch, exclusive. */
  toMs?: number;
  limit: number;
}

export class HistoryRepo {
  constructor(private readonly core: StoreCore) {}

  /** Stores reports in one transaction. */
  addReports(reports: readonly InspectionReportOut[]): void {
    if (reports.length === 0) return;
    const db = this.core.db;
    const ins = db.prepare('INSERT INTO inspection_reports (record_id, operator_id, gateway_id, device_ip, imsi, ts, body) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const app = db.prepare('INSERT INTO report_apps (report_pk, operator_id, app, ts) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (const r of reports) {
        const pk = ins.run(r.recordId, r.operatorId, r.gatewayId, r.payloads.device.ip, r.imsi ?? null, r.timestamp, JSON.stringify(r)).lastInsertRowid;
        for (const a of r.payloads.applications) app.run(pk, r.operatorId, a.app, r.timestamp);
      }
    })();
  }

  addFlows(operatorId: string, gatewayId: string, flows: readonly FlowRecord[]): void {
    if (flows.length === 0) return;
    const db = this.core.db;
    const ins = db.prepare('INSERT INTO flows (operator_id, gateway_id, device_ip, imsi, app, first_ms, last_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const f of flows) {
        ins.run(operatorId, gatewayId, f.device?.ip ?? null, f.device?.imsi ?? null, f.app, Math.floor(f.firstUs / 1000), Math.floor(f.lastUs / 1000), JSON.stringify(f));
      }
    })();
  }

  reports(q: HistoryQuery): InspectionReportOut[] {
    const where = ['r.operator_id = ?'];
    const args: unknown[] = [q.operatorId];
    const add = (clause: string, ...v: unknown[]) => {
      where.push(clause);
      args.push(...v);
    };
    if (q.gatewayId) add('r.gateway_id = ?', q.gatewayId);
    if (q.device) add('(r.device_ip = ? OR r.imsi = ?)', q.device, q.device);
    if (q.fromMs !== undefined) add('r.ts >= ?', q.fromMs);
    if (q.toMs !== undefined) add('r.ts < ?', q.toMs);
    if (q.app) add('r.pk IN (SELECT report_pk FROM report_apps WHERE operator_id = ? AND app = ?)', q.operatorId, q.app);
    const sql = `SELECT r.body FROM inspection_reports r WHERE ${where.join(' AND ')} ORDER BY r.ts DESC, r.pk DESC LIMIT ?`;
    return (this.core.db.prepare(sql).pluck().all(...args, q.limit) as string[]).map((b) => JSON.parse(b) as InspectionReportOut);
  }

  flows(q: HistoryQuery): (FlowRecord & { gatewayId: string })[] {
    const where = ['operator_id = ?'];
    const args: unknown[] = [q.operatorId];
    const add = (clause: string, ...v: unknown[]) => {
      where.push(clause);
      args.push(...v);
    };
    if (q.gatewayId) add('gateway_id = ?', q.gatewayId);
    if (q.device) add('(device_ip = ? OR imsi = ?)', q.device, q.device);
    if (q.app) add('app = ?', q.app);
    if (q.fromMs !== undefined) add('last_ms >= ?', q.fromMs);
    if (q.toMs !== undefined) add('first_ms < ?', q.toMs);
    const sql = `SELECT gateway_id, body FROM flows WHERE ${where.join(' AND ')} ORDER BY last_ms DESC, pk DESC LIMIT ?`;
    const rows = this.core.db.prepare(sql).all(...args, q.limit) as { gateway_id: string; body: string }[];
    return rows.map((r) => ({ gatewayId: r.gateway_id, ...(JSON.parse(r.body) as FlowRecord) }));
  }
}
