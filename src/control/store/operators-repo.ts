// Operators (tenants) and their API keys. Keys are returned in full only by createKey.
import type { Actor } from '../auth/actor.js';
import { newKey, newKeyId, parseKey, secretMatches, SCOPES, type Scope } from '../auth/api-key.js';
import { StoreError } from './store-error.js';
import type { StoreCore } from './store-core.js';
import type { ApiKeyInfo, Operator } from './model.js';
import { checkName } from './validate.js';

interface KeyRow {
  id: string;
  operator_id: string;
  name: string;
  scopes: string;
  hash: Buffer;
  created: string;
  last_used: string | null;
}

const LAST_USED_STEP_MS = 60_000;

export class OperatorsRepo {
  constructor(private readonly core: StoreCore) {}

  get(id: string): Operator | null {
    return (this.core.db.prepare('SELECT id, name, created FROM operators WHERE id = ?').get(id) as Operator | undefined) ?? null;
  }

  list(): Operator[] {
    return this.core.db.prepare('SELECT id, name, created FROM operators ORDER BY id').all() as Operator[];
  }

  /** Creates an operator (system action; the API has no route for it). */
  create(id: string, name = id): Operator {
    const problems: { path: string; problem: string }[] = [];
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(id)) problems.push({ path: 'id', problem: 'must be 1..64 letters, digits, _ . -' });
    checkName(name, 'name', problems);
    if (problems.length) throw StoreError.invalid(problems);
    if (this.get(id)) throw StoreError.conflict(`operator '${id}' already exists`);
    const actor: Actor = { operatorId: id, keyId: null, scopes: ['read', 'write'] };
    return this.core.mutate(actor, { action: 'operator.create', resource: `operators/${id}` }, () => {
      const created = this.core.now();
      this.core.db.prepare('INSERT INTO operators (id, name, created) VALUES (?, ?, ?)').run(id, name, created);
      return { id, name, created };
    }, (o) => ({ name: o.name }));
  }

  rename(actor: Actor, name: string): Operator {
    const problems: { path: string; problem: string }[] = [];
    checkName(name, 'body.name', problems);
    if (problems.length) throw StoreError.invalid(problems);
    return this.core.mutate(actor, { action: 'operator.update', resource: `operators/${actor.operatorId}` }, () => {
      this.core.db.prepare('UPDATE operators SET name = ? WHERE id = ?').run(name, actor.operatorId);
      return this.get(actor.operatorId)!;
    }, () => ({ name }));
  }

  /** A new key; `key` is the only time the secret is visible. */
  createKey(actor: Actor, name: string, scopes: Scope[]): { info: ApiKeyInfo; key: string } {
    const problems: { path: string; problem: string }[] = [];
    checkName(name, 'body.name', problems);
    if (scopes.length === 0 || scopes.some((s) => !SCOPES.includes(s))) problems.push({ path: 'body.scopes', problem: "must list 'read' and/or 'write'" });
    if (problems.length) throw StoreError.invalid(problems);
    const uniq = SCOPES.filter((s) => scopes.includes(s));
    const id = newKeyId();
    const { key, hash } = newKey(id);
    const info = this.core.mutate(actor, { action: 'key.create', resource: `keys/${id}` }, () => {
      const created = this.core.now();
      this.core.db
        .prepare('INSERT INTO api_keys (id, operator_id, name, scopes, hash, created) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, actor.operatorId, name, uniq.join(','), hash, created);
      return { id, name, scopes: uniq, created, lastUsed: null };
    }, (k) => ({ name: k.name, scopes: k.scopes }));
    return { info, key };
  }

  listKeys(operatorId: string): ApiKeyInfo[] {
    const rows = this.core.db.prepare('SELECT * FROM api_keys WHERE operator_id = ? ORDER BY created, id').all(operatorId) as KeyRow[];
    return rows.map(keyInfo);
  }

  getKey(operatorId: string, id: string): ApiKeyInfo | null {
    const row = this.core.db.prepare('SELECT * FROM api_keys WHERE id = ? AND operator_id = ?').get(id, operatorId) as KeyRow | undefined;
    return row ? keyInfo(row) : null;
  }

  revokeKey(actor: Actor, id: string): void {
    if (!this.getKey(actor.operatorId, id)) throw StoreError.notFound(`key '${id}'`);
    this.core.mutate(actor, { action: 'key.revoke', resource: `keys/${id}` }, () => {
      this.core.db.prepare('DELETE FROM api_keys WHERE id = ? AND operator_id = ?').run(id, actor.operatorId);
    });
  }

  /** The actor for a presented key, or null. Constant-time on the secret; unknown ids cost the same. */
  authenticate(text: string): Actor | null {
    const parsed = parseKey(text);
    if (!parsed) {
      secretMatches(null, text);
      return null;
    }
    const row = this.core.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(parsed.id) as KeyRow | undefined;
    if (!secretMatches(row ? row.hash : null, parsed.secret) || !row) return null;
    const now = Date.now();
    if (!row.last_used || now - Date.parse(row.last_used) > LAST_USED_STEP_MS) {
      this.core.db.prepare('UPDATE api_keys SET last_used = ? WHERE id = ?').run(new Date(now).toISOString(), row.id);
    }
    return { operatorId: row.operator_id, keyId: row.id, scopes: row.scopes.split(',') as Scope[] };
  }
}

function keyInfo(r: KeyRow): ApiKeyInfo {
  return { id: r.id, name: r.name, scopes: r.scopes.split(',') as Scope[], created: r.created, lastUsed: r.last_used };
}
