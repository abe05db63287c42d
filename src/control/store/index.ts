// The control-plane store (SQLite): model, migrations, audit, history, snapshots.
export { Store } from './store.js';
export { StoreError, type StoreErrorKind, type StoreProblem } from './store-error.js';
export { MIGRATIONS, type Migration } from './migrations.js';
export { migrate, schemaVersion } from './migrate.js';
export { parseDeviceCsv, CSV_COLUMNS } from './device-csv.js';
export type { SeedResult } from './seed.js';
export type { DeviceFilter } from './devices-repo.js';
export type { HistoryQuery } from './history-repo.js';
export type * from './model.js';
export type { OutputsView } from './outputs-repo.js';
export { MASK as SECRET_MASK } from './output-secrets.js';
