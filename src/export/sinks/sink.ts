// The transport contract every export sink implements (DESIGN §4). Sinks only move bytes: formatting,
// batching, the on-disk spool and retries live once, in `src/export/batcher/`.

export type SinkRecordType = 'inspection' | 'flow' | 'alert' | 'anomaly' | 'eve';

export interface SinkRecord {
  /** Stable across retries and restarts, so consumers can drop duplicates (delivery is at-least-once). */
  id: string;
  type: SinkRecordType;
  /** JSON text (UTF-8), enveloped or not according to the sink's configuration. */
  body: Uint8Array;
}

export interface Sink {
  readonly name: string;
  open(): Promise<void>;
  /** Resolves when the destination acknowledged the whole batch; rejects otherwise (the batcher retries). */
  write(batch: readonly SinkRecord[]): Promise<void>;
  close(): Promise<void>;
}

export const SINK_RECORD_TYPES: readonly SinkRecordType[] = ['inspection', 'flow', 'alert', 'anomaly', 'eve'];
