export { validateAlertRecord } from './alert-record.js';
export type { AlertRecord } from './alert-record.js';
export { validateAnomalyRecord } from './anomaly-record.js';
export type { AnomalyRecord, AnomalyAction } from './anomaly-record.js';
