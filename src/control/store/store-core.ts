// The one way to change the model: `mutate` runs the change and its audit row in one transaction,
// bumps the affected gateway's version, and after the outermost commit tells the snapshot publisher.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Actor } from '../auth/actor.js';

export interface MutationInfo {
  action: string;
  /** e.g. `gateways/gw-1/devices/dev-…`. */
  resource: string;
  /** The gateway whose snapshot changes, if any. */
  gatewayId?: string | null;
}

export class StoreCore {
  private depth = 0;
  private readonly pending = new Set<string>();
  private readonly insertAudit: Database.Statement;
  private readonly bumpGateway: Database.Statement;
  /** Called after the outermost commit with the gateways that changed (set by Store). */
  onCommitted: (gatewayIds: string[]) => void = () => {};

  constructor(readonly db: Database.Database) {
    this.insertAudit = db.prepare('INSERT INTO audit (at, operator_id, key_id, action, resource, details) VALUES (?, ?, ?, ?, ?, ?)');
    this.bumpGateway = db.prepare('UPDATE gateways SET version = version + 1, updated = ? WHERE id = ?');
  }

  now(): string {
    return new Date().toISOString();
  }

  /** A new random id with a readable prefix, e.g. `dev-3f2a…`. */
  newId(prefix: string): string {
    return `${prefix}-${randomBytes(6).toString('hex')}`;
  }

  /**
   * Runs fn and writes its audit row in one transaction (a savepoint when nested). details(result)
   * gives the audit details; it must never contain a secret.
   */
  mutate<T>(actor: Actor, info: MutationInfo, fn: () => T, details: (r: T) => unknown = () => ({})): T {
    this.depth++;
    let result: T;
    try {
      result = this.db.transaction(() => {
        const r = fn();
        const at = this.now();
        if (info.gatewayId) this.bumpGateway.run(at, info.gatewayId);
        this.insertAudit.run(at, actor.operatorId, actor.keyId, info.action, info.resource, JSON.stringify(details(r) ?? {}));
        return r;
      })();
    } catch (e) {
      if (this.depth === 1) this.pending.clear();
      throw e;
    } finally {
      this.depth--;
    }
    if (info.gatewayId) this.pending.add(info.gatewayId);
    if (this.depth === 0 && this.pending.size > 0) {
      const ids = [...this.pending];
      this.pending.clear();
      this.onCommitted(ids);
    }
    return result;
  }
}

/** Parses a JSON column written by the store itself. */
export function json<T>(text: string | null): T {
  return (text === null ? null : JSON.parse(text)) as T;
}
