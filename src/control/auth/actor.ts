// Who is making a change: every store mutation takes one and writes it into the audit row.
import type { Scope } from './api-key.js';

export interface Actor {
  operatorId: string;
  /** The API key used, or null for the system (seeding, the CLI's first start). */
  keyId: string | null;
  scopes: readonly Scope[];
}

export function systemActor(operatorId: string): Actor {
  return { operatorId, keyId: null, scopes: ['read', 'write'] };
}
