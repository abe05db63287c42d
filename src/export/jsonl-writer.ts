// Appends JSON lines to a file through a buffer, flushed synchronously (simple and loss-free on exit).
// Each line is encoded into the buffer as soon as it is made, so the string dies young: keeping a
// megabyte of line strings until the flush made the garbage collector copy them, and the flush join
// and encode them again.
import { openSync, writeSync, closeSync, fsyncSync } from 'node:fs';

const BUFFER_BYTES = 1 << 20;
/** UTF-8 bytes per UTF-16 code unit, at most (a surrogate pair is 2 units and 4 bytes). */
const MAX_UTF8_PER_UNIT = 3;

export class JsonlWriter {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private pos = 0;
  lines = 0;

  constructor(readonly path: string, opts: { append?: boolean } = {}) {
    this.fd = openSync(path, opts.append ? 'a' : 'w');
  }

  write(obj: unknown): void {
    const s = JSON.stringify(obj);
    this.lines++;
    const most = s.length * MAX_UTF8_PER_UNIT + 1;
    if (this.pos + most > BUFFER_BYTES) {
      this.flush();
      if (most > BUFFER_BYTES) {
        // a line longer than the buffer goes out on its own
        const line = Buffer.from(s + '\n');
        this.writeAll(line, line.length);
        return;
      }
    }
    this.pos += this.buf.write(s, this.pos);
    this.buf[this.pos++] = 0x0a;
  }

  flush(): void {
    this.writeAll(this.buf, this.pos);
    this.pos = 0;
  }

  /** Writes b[0, n): writeSync may write less than asked (a pipe), so the rest follows. */
  private writeAll(b: Buffer, n: number): void {
    for (let done = 0; done < n; ) done += writeSync(this.fd, b, done, n - done);
  }

  close(): void {
    this.flush();
    try {
      fsyncSync(this.fd);
    } catch (e) {
      // pipes and character devices (/dev/null, a terminal) cannot be synced; nothing is lost there
      if ((e as NodeJS.ErrnoException).code !== 'EINVAL' && (e as NodeJS.ErrnoException).code !== 'ENOTSUP') throw e;
    }
    closeSync(this.fd);
  }
}
