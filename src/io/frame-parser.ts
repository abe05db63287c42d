// The contract between the chunked file reader and a format parser (pcap, pcapng).
// A parser consumes whole records from a window of bytes and appends frames to a batch; it never
// throws and never allocates per frame: problems are reported through `error`.

import type { FrameBatch } from '../core/frame-batch.js';
import type { CaptureError } from '../core/errors.js';

/** The bytes currently available: buf[start, end); `base` is the file offset of buf[0]. */
export interface ParseWindow {
  buf: Uint8Array;
  start: number;
  end: number;
  base: number;
}

export const ParseStatus = {
  /** the next record is incomplete: `need` contiguous bytes from `start` are required */
  NEED_MORE: 0,
  /** the batch is full; call again with an empty batch */
  BATCH_FULL: 1,
  /** corrupt input: `error` says where; frames already in the batch are valid */
  FAILED: 2,
} as const;
export type ParseStatusId = (typeof ParseStatus)[keyof typeof ParseStatus];

/** Largest captured length accepted (Wireshark's standard maximum). */
export const MAX_CAPLEN = 262144;

export interface FrameParser {
  readonly format: 'pcap' | 'pcapng';
  /** Contiguous bytes from `start` needed to make progress (valid after NEED_MORE). */
  need: number;
  error: CaptureError | null;
  /** Advances `w.start` past every consumed record. */
  parse(w: ParseWindow, batch: FrameBatch): ParseStatusId;
  /** True when the input may legally end at `w.start` (the file header has been read). */
  canEnd(): boolean;
}
