// PostgreSQL sink: a table per record type (`<schema>.fg_<type>`: id primary key, seq for arrival
// order, doc jsonb), created by a versioned migration on open. A batch is one transaction; a retried
// record is dropped by ON CONFLICT (id) DO NOTHING, and write resolves only after COMMIT.
import type { Pool, PoolClient } from 'pg';
import { lazyModule } from '../../core/lazy-module.js';

const pgLib = lazyModule<typeof import('pg')>('pg');
import { ConfigError } from '../../core/errors.js';
import { SINK_RECORD_TYPES } from './sink.js';
import type { Sink, SinkRecord, SinkRecordType } from './sink.js';
import { optionBag, onlyKeys, optionalString, requiredString } from './broker/options.js';

export interface PostgresSinkOptions {
  connectionString: string;
  /** Schema holding the tables (default `fleetgate`). */
  schema?: string;
}

const ignore = (): void => {};
const MIGRATION_LOCK = 0x66_67_73_6b; // 'fgsk': serialises concurrent openers

export function createPostgresSink(options: PostgresSinkOptions | Record<string, unknown>): Sink {
  const o = optionBag('postgres', options);
  onlyKeys('postgres', o, ['connectionString', 'schema']);
  const connectionString = requiredString('postgres', o, 'connectionString');
  if (!/^postgres(ql)?:\/\//.test(connectionString)) {
    throw new ConfigError('sinks.postgres.connectionString', 'must start with postgres:// or postgresql://');
  }
  const schema = optionalString('postgres', o, 'schema') ?? 'fleetgate';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new ConfigError('sinks.postgres.schema', 'must be a lower-case SQL identifier');
  return new PostgresSink(connectionString, schema);
}

/** Migrations in order; the applied version is kept in `<schema>.fg_sink_migrations`. */
function migrations(schema: string): string[] {
  const tables = SINK_RECORD_TYPES.map(
    (t) => `CREATE TABLE IF NOT EXISTS ${schema}.fg_${t} (
      id text PRIMARY KEY,
      seq bigserial NOT NULL,
      doc jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`,
  );
  return [tables.join(';\n')];
}

class PostgresSink implements Sink {
  readonly name = 'postgres';
  private pool: Pool | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly schema: string,
  ) {}

  async open(): Promise<void> {
    if (this.pool) return;
    const pool = new (pgLib().Pool)({ connectionString: this.connectionString, max: 2, connectionTimeoutMillis: 5000 });
    // An idle connection dropped by the server emits here; the pool replaces it on the next write.
    pool.on('error', () => {});
    try {
      await this.migrate(pool);
    } catch (e) {
      await pool.end();
      throw new Error(`postgres sink: migration failed: ${(e as Error).message}`);
    }
    this.pool = pool;
  }

  private async migrate(pool: Pool): Promise<void> {
    const c = await pool.connect();
    try {
      await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${this.schema}.fg_sink_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = await c.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${this.schema}.fg_sink_migrations`);
      const applied = done.rows[0]?.v ?? 0;
      const list = migrations(this.schema);
      for (let v = applied + 1; v <= list.length; v++) {
        await c.query('BEGIN');
        await c.query(list[v - 1]);
        await c.query(`INSERT INTO ${this.schema}.fg_sink_migrations (version) VALUES ($1)`, [v]);
        await c.query('COMMIT');
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      c.release();
    }
  }

  async write(batch: readonly SinkRecord[]): Promise<void> {
    const pool = this.pool;
    if (!pool) throw new Error('postgres sink: write before open');
    if (batch.length === 0) return;
    const dec = new TextDecoder();
    const byType = new Map<SinkRecordType, { ids: string[]; docs: string[] }>();
    for (const r of batch) {
      let g = byType.get(r.type);
      if (!g) byType.set(r.type, (g = { ids: [], docs: [] }));
      g.ids.push(r.id);
      g.docs.push(dec.decode(r.body));
    }
    let c: PoolClient;
    try {
      c = await pool.connect();
    } catch (e) {
      throw new Error(`postgres sink: cannot connect: ${(e as Error).message}`);
    }
    let broken = false;
    // A checked-out client emits 'error' when the server goes away; the failed query reports it.
    c.on('error', ignore);
    try {
      await c.query('BEGIN');
      for (const [type, g] of byType) {
        // WITH ORDINALITY keeps the batch order, so seq follows the order records were pushed.
        await c.query(
          `INSERT INTO ${this.schema}.fg_${type} (id, doc)
           SELECT id, doc::jsonb FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(id, doc, n) ORDER BY n
           ON CONFLICT (id) DO NOTHING`,
          [g.ids, g.docs],
        );
      }
      await c.query('COMMIT');
    } catch (e) {
      broken = true;
      await c.query('ROLLBACK').catch(() => {});
      throw new Error(`postgres sink: batch not committed: ${(e as Error).message}`);
    } finally {
      // A failed connection is destroyed rather than returned to the pool.
      c.removeListener('error', ignore);
      c.release(broken ? true : undefined);
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.end();
  }
}
