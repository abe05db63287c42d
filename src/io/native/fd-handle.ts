// Shared lifetime of one native fd plus its optional readability watcher: stop watching, then close.
import type { FdWatcher, NativeAddon, ReadableCallback } from './addon-types.js';

export class FdHandle {
  private watcher: FdWatcher | null = null;
  private open = true;

  constructor(
    protected readonly addon: NativeAddon,
    readonly fd: number,
  ) {}

  get closed(): boolean {
    return !this.open;
  }

  /** Starts calling cb (on the event loop) whenever the fd is readable; replaces any earlier cb. */
  onReadable(cb: ReadableCallback): void {
    if (!this.open) throw new Error(`fd ${this.fd} is closed`);
    this.watcher?.close();
    this.watcher = new this.addon.FdWatcher(this.fd, cb);
    this.watcher.start();
  }

  /** Pauses/resumes the watcher (backpressure) without dropping it. */
  pause(): void {
    this.watcher?.stop();
  }

  resume(): void {
    this.watcher?.start();
  }

  /** Lets the process exit even while watching (like socket.unref()). */
  unref(): void {
    this.watcher?.unref();
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.watcher?.close();
    this.watcher = null;
    this.addon.close(this.fd);
  }
}
