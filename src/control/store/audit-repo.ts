// Reading the audit trail (rows are written by StoreCore.mutate, in the same transaction as the change).
import type { StoreCore } from './store-core.js';
import type { AuditEntry } from './model.js';

interface AuditRow {
  id: number;
  at: string;
  operator_id: string;
  key_id: string | null;
  action: string;
  resource: string;
  details: string;
}

export class AuditRepo {
  constructor(private readonly core: StoreCore) {}

  /** Newest first; `before` pages backwards by id. */
  list(operatorId: string, limit = 100, before?: number): AuditEntry[] {
    const rows = (
      before === undefined
        ? this.core.db.prepare('SELECT * FROM audit WHERE operator_id = ? ORDER BY id DESC LIMIT ?').all(operatorId, limit)
        : this.core.db.prepare('SELECT * FROM audit WHERE operator_id = ? AND id < ? ORDER BY id DESC LIMIT ?').all(operatorId, before, limit)
    ) as AuditRow[];
    return rows.map((r) => ({ id: r.id, at: r.at, operatorId: r.operator_id, keyId: r.key_id, action: r.action, resource: r.resource, details: JSON.parse(r.details) as unknown }));
  }
}
