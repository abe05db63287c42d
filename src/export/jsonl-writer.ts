// Appends JSON lines to a file through a buffer, flushed synchronously (simple and loss-free on exit).
import { openSync, writeSync, closeSync, fsyncSync } from 'node:fs';

const FLUSH_BYTES = 1 << 20;

export class JsonlWriter {
  private readonly fd: number;
  private chunks: string[] = [];
  private pending = 0;
  lines = 0;

  constructor(readonly path: string, opts: { append?: boolean } = {}) {
    this.fd = openSync(path, opts.append ? 'a' : 'w');
  }

  write(obj: unknown): void {
    const s = JSON.stringify(obj) + '\n';
    this.chunks.push(s);
    this.pending += s.length;
    this.lines++;
    if (this.pending >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.pending = 0;
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
