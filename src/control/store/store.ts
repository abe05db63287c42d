// The control-plane store: the model in SQLite (better-sqlite3), numbered migrations, audited atomic
// changes, and a new immutable GatewaySnapshot published synchronously after every commit.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { FleetConfig } from '../config/types.js';
import type { Actor } from '../auth/actor.js';
import { migrate } from './migrate.js';
import { StoreCore } from './store-core.js';
import { OperatorsRepo } from './operators-repo.js';
import { GatewaysRepo } from './gateways-repo.js';
import { DevicesRepo } from './devices-repo.js';
import { CapturesRepo } from './captures-repo.js';
import { HistoryRepo } from './history-repo.js';
import { AuditRepo } from './audit-repo.js';
import { OutputsRepo } from './outputs-repo.js';
import { seedFromConfig, type SeedResult } from './seed.js';
import { SnapshotHub, type SnapshotListener } from '../snapshot/snapshot-hub.js';
import { buildGatewaySnapshot, type GatewaySnapshot } from '../snapshot/gateway-snapshot.js';

export class Store {
  readonly core: StoreCore;
  readonly operators: OperatorsRepo;
  readonly gateways: GatewaysRepo;
  readonly devices: DevicesRepo;
  readonly captures: CapturesRepo;
  readonly history: HistoryRepo;
  readonly audit: AuditRepo;
  readonly outputs: OutputsRepo;
  readonly snapshots = new SnapshotHub();

  private constructor(readonly db: Database.Database) {
    this.core = new StoreCore(db);
    this.operators = new OperatorsRepo(this.core);
    this.gateways = new GatewaysRepo(this.core);
    this.devices = new DevicesRepo(this.core, this.gateways);
    this.captures = new CapturesRepo(this.core);
    this.history = new HistoryRepo(this.core);
    this.audit = new AuditRepo(this.core);
    this.outputs = new OutputsRepo(this.core, this.gateways);
    this.core.onCommitted = (ids) => {
      for (const id of ids) this.publish(id);
    };
  }

  /** Opens (creating and migrating) the database at path; ':memory:' for tests. */
  static open(path: string): Store {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    const store = new Store(db);
    store.captures.failInterrupted();
    return store;
  }

  close(): void {
    this.db.close();
  }

  seedFromConfig(config: FleetConfig, opts: { mirror?: boolean; actor?: Actor } = {}): SeedResult {
    return seedFromConfig(this, config, opts);
  }

  /** The current snapshot of a gateway (built on first use), or undefined when it does not exist. */
  snapshot(gatewayId: string): GatewaySnapshot | undefined {
    return this.snapshots.get(gatewayId) ?? this.publish(gatewayId);
  }

  /** Calls cb with every new snapshot of the gateway, synchronously after the commit. */
  onSnapshot(gatewayId: string, cb: SnapshotListener): () => void {
    return this.snapshots.subscribe(gatewayId, cb);
  }

  private publish(gatewayId: string): GatewaySnapshot | undefined {
    const gw = this.gateways.getInternal(gatewayId);
    if (!gw) {
      this.snapshots.drop(gatewayId);
      return undefined;
    }
    const s = buildGatewaySnapshot(gw, this.devices.allInternal(gatewayId), this.outputs.getInternal(gatewayId));
    this.snapshots.publish(s);
    return s;
  }
}
