// Whole-file synchronous capture reading for tests and tools (allocates a copy per frame).

import { readFileSync } from 'node:fs';
import { FrameBatch } from '../core/frame-batch.js';
import { createParser, detectFormat, truncatedError } from './capture-format.js';
import { ParseStatus, type ParseWindow } from './frame-parser.js';

export interface CapturedFrame {
  data: Uint8Array;
  tsUs: number;
  wireLen: number;
  linkType: number;
  ifIndex: number;
}

export interface CaptureContents {
  frames: CapturedFrame[];
  info: { format: 'pcap' | 'pcapng'; path: string };
}

/** Reads every frame of a capture; throws CaptureError on corrupt or truncated input. */
export function readCaptureSync(path: string): CaptureContents {
  const file = readFileSync(path);
  const buf = new Uint8Array(file.buffer, file.byteOffset, file.length);
  const format = detectFormat(buf, buf.length, path);
  const parser = createParser(format, path);
  const w: ParseWindow = { buf, start: 0, end: buf.length, base: 0 };
  const batch = new FrameBatch(4096, buf);
  const frames: CapturedFrame[] = [];
  for (;;) {
    batch.count = 0;
    const st = parser.parse(w, batch);
    for (let i = 0; i < batch.count; i++) {
      frames.push({
        data: batch.frameBytes(i),
        tsUs: batch.tsUs[i],
        wireLen: batch.wireLen[i],
        linkType: batch.linkType[i],
        ifIndex: batch.ifIndex[i],
      });
    }
    if (st === ParseStatus.BATCH_FULL) continue;
    if (st === ParseStatus.FAILED && parser.error) throw parser.error;
    if (w.start === w.end && parser.canEnd()) return { frames, info: { format, path } };
    throw truncatedError(path, parser, w);
  }
}
