// Numbered schema migrations. Append only: never edit a migration that has shipped; add a new one.
// Applied in order inside one transaction each; `schema_migrations` records which ran.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'model',
    sql: `
      CREATE TABLE operators (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created TEXT NOT NULL
      );
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        operator_id TEXT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,           -- comma list: read,write
        hash BLOB NOT NULL,             -- sha256 of the secret part; the key itself is never stored
        created TEXT NOT NULL,
        last_used TEXT
      );
      CREATE INDEX api_keys_operator ON api_keys(operator_id);
      CREATE TABLE gateways (
        id TEXT PRIMARY KEY,            -- globally unique: snapshots and the data path key on it
        operator_id TEXT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        device_subnets TEXT NOT NULL,   -- JSON array of canonical CIDR texts
        inspection_interval_s INTEGER NOT NULL,
        max_unregistered INTEGER NOT NULL,
        junction TEXT NOT NULL,         -- JSON {inspection:{enabled,topDestinations}, mirroring:{peers:[]}, redirection}
        version INTEGER NOT NULL,       -- bumped by every committed change; the snapshot version
        created TEXT NOT NULL,
        updated TEXT NOT NULL
      );
      CREATE INDEX gateways_operator ON gateways(operator_id);
      CREATE TABLE groups (
        gateway_id TEXT NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        description TEXT,
        policy TEXT NOT NULL,           -- JSON, placeholder for the security policy issues
        created TEXT NOT NULL,
        PRIMARY KEY (gateway_id, name)
      );
      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        gateway_id TEXT NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,           -- creation order, keeps DeviceDirectory indexes stable
        imsi TEXT,
        ip TEXT NOT NULL,
        name TEXT,
        group_name TEXT,
        tags TEXT NOT NULL,             -- JSON array
        teid INTEGER,
        status TEXT NOT NULL CHECK (status IN ('active', 'quarantined')),
        created TEXT NOT NULL,
        updated TEXT NOT NULL
      );
      CREATE UNIQUE INDEX devices_ip ON devices(gateway_id, ip);
      CREATE UNIQUE INDEX devices_imsi ON devices(gateway_id, imsi) WHERE imsi IS NOT NULL;
      CREATE UNIQUE INDEX devices_name ON devices(gateway_id, name) WHERE name IS NOT NULL;
      CREATE INDEX devices_order ON devices(gateway_id, seq);
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        key_id TEXT,
        action TEXT NOT NULL,
        resource TEXT NOT NULL,
        details TEXT NOT NULL
      );
      CREATE INDEX audit_operator ON audit(operator_id, id);
      CREATE TABLE capture_sessions (
        id TEXT PRIMARY KEY,
        operator_id TEXT NOT NULL,
        gateway_id TEXT NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        prefix TEXT NOT NULL,
        duration_s INTEGER NOT NULL,
        device_ip TEXT,
        created TEXT NOT NULL,
        started TEXT,
        ended TEXT,
        pcap_path TEXT,
        failed_reason TEXT
      );
      CREATE INDEX capture_sessions_gateway ON capture_sessions(gateway_id, created);
    `,
  },
  {
    version: 2,
    name: 'history',
    sql: `
      CREATE TABLE inspection_reports (
        pk INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        gateway_id TEXT NOT NULL,
        device_ip TEXT NOT NULL,
        imsi TEXT,
        ts INTEGER NOT NULL,            -- interval end, ms since the epoch
        body TEXT NOT NULL              -- the report JSON as emitted
      );
      CREATE INDEX reports_gw_ts ON inspection_reports(operator_id, gateway_id, ts);
      CREATE INDEX reports_device ON inspection_reports(operator_id, device_ip, ts);
      CREATE INDEX reports_imsi ON inspection_reports(operator_id, imsi, ts) WHERE imsi IS NOT NULL;
      CREATE TABLE report_apps (
        report_pk INTEGER NOT NULL REFERENCES inspection_reports(pk) ON DELETE CASCADE,
        operator_id TEXT NOT NULL,
        app TEXT NOT NULL,
        ts INTEGER NOT NULL
      );
      CREATE INDEX report_apps_app ON report_apps(operator_id, app, ts);
      CREATE TABLE flows (
        pk INTEGER PRIMARY KEY AUTOINCREMENT,
        operator_id TEXT NOT NULL,
        gateway_id TEXT NOT NULL,
        device_ip TEXT,
        imsi TEXT,
        app TEXT NOT NULL,
        first_ms INTEGER NOT NULL,
        last_ms INTEGER NOT NULL,
        body TEXT NOT NULL              -- the FlowRecord JSON
      );
      CREATE INDEX flows_gw_ts ON flows(operator_id, gateway_id, last_ms);
      CREATE INDEX flows_device ON flows(operator_id, device_ip, last_ms);
      CREATE INDEX flows_imsi ON flows(operator_id, imsi, last_ms) WHERE imsi IS NOT NULL;
      CREATE INDEX flows_app ON flows(operator_id, app, last_ms);
    `,
  },
  {
    version: 3,
    name: 'outputs',
    sql: `
      CREATE TABLE gateway_outputs (
        gateway_id TEXT PRIMARY KEY REFERENCES gateways(id) ON DELETE CASCADE,
        config TEXT NOT NULL,           -- JSON OutputsConfig (control/config/types.ts), secrets included: never returned
        updated TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'device downlink TEID',
    sql: `
      ALTER TABLE devices ADD COLUMN downlink_teid INTEGER;  -- GTP-U TEID for downlink G-PDUs (VPG), null = the uplink one last seen
    `,
  },
];
