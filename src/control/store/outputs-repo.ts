// A gateway's export outputs (`gateway.outputs` of the YAML, set as a whole list through the API).
// The stored config keeps its secrets (the data path needs them); every read for the API masks them
// (output-secrets.ts) and the audit row names the outputs, never their options.
import type { Actor } from '../auth/actor.js';
import type { OutputsConfig } from '../config/types.js';
import { StoreError, type StoreProblem } from './store-error.js';
import { json, type StoreCore } from './store-core.js';
import type { GatewaysRepo } from './gateways-repo.js';
import { maskOptions, restoreSecrets, scrub, secretValues } from './output-secrets.js';
import { resolve } from 'node:path';
import { normalizeOutputsBody, outputsBodyProblems, outputsToBody, withAbsoluteFiles } from './outputs-validate.js';

/** The outputs as the API shows them: defaults filled in, secrets as "***". */
export interface OutputsView {
  spool?: { dir: string; limitBytes: number; durable: boolean };
  sinks: Record<string, unknown>[];
}

const EMPTY: OutputsConfig = { sinks: [] };

export class OutputsRepo {
  constructor(
    private readonly core: StoreCore,
    private readonly gateways: GatewaysRepo,
  ) {}

  /** The caller's gateway's outputs, secrets masked. */
  get(operatorId: string, gatewayId: string): OutputsView {
    this.gateways.require(operatorId, gatewayId);
    return maskView(this.getInternal(gatewayId) ?? EMPTY);
  }

  /** The stored config with its secrets: for the data path and snapshots only, never for API reads. */
  getInternal(gatewayId: string): OutputsConfig | null {
    const text = this.core.db.prepare('SELECT config FROM gateway_outputs WHERE gateway_id = ?').pluck().get(gatewayId) as string | undefined;
    return text === undefined ? null : json<OutputsConfig>(text);
  }

  /**
   * Replaces the whole list. Checked like `gateway.outputs` in the YAML; "***" keeps the stored secret
   * of the output with the same name and kind. An empty list removes every output.
   */
  set(actor: Actor, gatewayId: string, body: unknown): OutputsView {
    this.gateways.require(actor.operatorId, gatewayId);
    // a sink's message may quote a bad value (a URL with its password): never echo a secret
    const secrets = secretValues(body);
    const old = this.getInternal(gatewayId);
    const problems = outputsBodyProblems(body, old).map((p) => ({ path: p.path, problem: scrub(p.problem, secrets) }));
    if (problems.length) throw StoreError.invalid(problems);
    const next = normalizeOutputsBody(body as Record<string, unknown>);
    const restore: StoreProblem[] = [];
    next.sinks.forEach((s, i) => {
      const prev = old?.sinks.find((o) => o.name === s.name && o.kind === s.kind);
      s.options = restoreSecrets(s.options, prev?.options, `body.sinks[${i}]`, restore) as Record<string, unknown>;
    });
    if (restore.length) throw StoreError.invalid(restore);
    this.write(actor, gatewayId, next, 'outputs.set');
    return maskView(next);
  }

  /**
   * `gateway.outputs` of the YAML (already checked by the loader), with files made absolute; a no-op
   * when the store already holds the same. Returns whether it changed anything.
   */
  seed(actor: Actor, gatewayId: string, cfg: OutputsConfig): boolean {
    const next = withAbsoluteFiles(cfg, (p) => resolve(p));
    if (JSON.stringify(next) === JSON.stringify(this.getInternal(gatewayId))) return false;
    this.write(actor, gatewayId, next, 'outputs.seed');
    return true;
  }

  private write(actor: Actor, gatewayId: string, next: OutputsConfig, action: string): void {
    this.core.mutate(
      actor,
      { action, resource: `gateways/${gatewayId}/outputs`, gatewayId },
      () => {
        if (next.sinks.length === 0 && !next.spool) this.core.db.prepare('DELETE FROM gateway_outputs WHERE gateway_id = ?').run(gatewayId);
        else {
          this.core.db
            .prepare('INSERT INTO gateway_outputs (gateway_id, config, updated) VALUES (?, ?, ?) ON CONFLICT(gateway_id) DO UPDATE SET config = excluded.config, updated = excluded.updated')
            .run(gatewayId, JSON.stringify(next), this.core.now());
        }
      },
      // names and kinds only: an output's options may hold secrets
      () => ({ sinks: next.sinks.map((s) => ({ name: s.name, kind: s.kind, types: s.types })), spool: !!next.spool }),
    );
  }
}

function maskView(c: OutputsConfig): OutputsView {
  const b = outputsToBody(c);
  return { ...b, sinks: b.sinks.map((s) => maskOptions(s) as Record<string, unknown>) };
}
