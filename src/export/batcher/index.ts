export { Batcher, spoolDirFor } from './batcher.js';
export type { BatcherOptions, BatcherCounters } from './batcher.js';
export { Spool } from './spool.js';
export type { SpoolOptions } from './spool.js';
export { backoffDelayMs } from './backoff.js';
