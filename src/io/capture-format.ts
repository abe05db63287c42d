// Capture format detection by magic number (never by file extension) and the matching parser.

import { CaptureError } from '../core/errors.js';
import type { FrameParser, ParseWindow } from './frame-parser.js';
import { PcapParser } from './pcap-parser.js';
import { PcapngParser } from './pcapng-parser.js';

export type CaptureFormat = 'pcap' | 'pcapng';

const EXPECTED =
  'expected a pcap file (magic a1b2c3d4 or a1b23c4d, either byte order) or a pcapng file (section header block 0a0d0d0a)';

/** File-order byte signatures of the first 4 bytes. */
const MAGICS: readonly (readonly [CaptureFormat, readonly number[]])[] = [
  ['pcap', [0xd4, 0xc3, 0xb2, 0xa1]],
  ['pcap', [0xa1, 0xb2, 0xc3, 0xd4]],
  ['pcap', [0x4d, 0x3c, 0xb2, 0xa1]],
  ['pcap', [0xa1, 0xb2, 0x3c, 0x4d]],
  ['pcap', [0x34, 0xcd, 0xb2, 0xa1]],
  ['pcap', [0xa1, 0xb2, 0xcd, 0x34]],
  ['pcapng', [0x0a, 0x0d, 0x0d, 0x0a]],
];

/**
 * The format of a capture from its first bytes buf[0, n); throws CaptureError for an empty file,
 * a file too short to hold a magic (truncated) or an unknown magic.
 */
export function detectFormat(buf: Uint8Array, n: number, path: string): CaptureFormat {
  if (n === 0) throw new CaptureError('FG_ERR_CAPTURE_FORMAT', path, 0, `empty file: ${EXPECTED}`);
  let prefixOfMagic = false;
  for (const [format, sig] of MAGICS) {
    let same = 0;
    while (same < 4 && same < n && buf[same] === sig[same]) same++;
    if (same === 4) return format;
    if (same === n) prefixOfMagic = true;
  }
  if (prefixOfMagic) {
    throw new CaptureError('FG_ERR_CAPTURE_TRUNCATED', path, 0, `file ends inside the capture magic (${n} bytes)`);
  }
  const head = Array.from(buf.subarray(0, Math.min(n, 4)), (x) => x.toString(16).padStart(2, '0')).join(' ');
  throw new CaptureError('FG_ERR_CAPTURE_FORMAT', path, 0, `unknown capture format (first bytes ${head}): ${EXPECTED}`);
}

export function createParser(format: CaptureFormat, path: string): FrameParser {
  return format === 'pcap' ? new PcapParser(path) : new PcapngParser(path);
}

/** The error for input that ends while the parser still needs bytes. */
export function truncatedError(path: string, parser: FrameParser, w: ParseWindow): CaptureError {
  const where = parser.canEnd() ? `a ${parser.format} record` : `the ${parser.format} file header`;
  return new CaptureError(
    'FG_ERR_CAPTURE_TRUNCATED',
    path,
    w.base + w.start,
    `file ends inside ${where} (${w.end - w.start} of ${parser.need} bytes present)`,
  );
}
