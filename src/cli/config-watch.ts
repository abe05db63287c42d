// `fleetgate gateway --watch-config` (on by default): a change to the config file queues a reload, as
// SIGHUP does. Editors save by writing a new file and renaming it over the old one (the old inode, and
// a watch on it, is gone), so the watch is on the folder, filtered by the file's name (and by
// Kubernetes ConfigMap swaps: `..data` links renamed in the same folder). Events are debounced
// (300 ms: a save is several events, an in-place write may first truncate), and a reload is queued
// only when the file's bytes differ from the last ones loaded: a missing file (between unlink and
// rename), a touch or the SIGHUP that already loaded these bytes do nothing. A file that does not
// parse is refused by the reload (its path and problem printed, the running config kept) and is not
// retried until it changes again.
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';

export const CONFIG_WATCH_DEBOUNCE_MS = 300;

export interface ConfigWatchOptions {
  /** Quiet period after the last event before the file is read (default 300 ms). */
  debounceMs?: number;
  /** A problem with the watch itself (the folder cannot be watched): printed, the gateway runs on. */
  onError?: (e: Error) => void;
}

export class ConfigWatch {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private last: string | null;
  private readonly name: string;
  private readonly debounceMs: number;
  /** Reloads queued by the watch. */
  triggered = 0;

  /** Watches path; onChange queues a reload (the gateway's SIGHUP path). */
  constructor(
    readonly path: string,
    private readonly onChange: () => void,
    opts: ConfigWatchOptions = {},
  ) {
    this.name = basename(path);
    this.debounceMs = opts.debounceMs ?? CONFIG_WATCH_DEBOUNCE_MS;
    this.last = digest(path);
    try {
      this.watcher = watch(dirname(path), { persistent: false }, (_event, file) => this.onEvent(file));
      this.watcher.on('error', (e) => {
        opts.onError?.(e);
        this.close();
      });
    } catch (e) {
      opts.onError?.(e as Error);
    }
  }

  /** Records the file's current bytes as loaded (call right before a reload reads it, whatever queued it). */
  markLoaded(): void {
    this.last = digest(this.path) ?? this.last;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
  }

  private onEvent(file: string | Buffer | null): void {
    const f = file === null ? null : String(file);
    if (f !== null && f !== this.name && !f.startsWith('..')) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(this.settle, this.debounceMs);
  }

  private readonly settle = (): void => {
    this.timer = null;
    const now = digest(this.path);
    if (now === null || now === this.last) return;
    this.last = now;
    this.triggered++;
    this.onChange();
  };
}

/** SHA-256 of the file's bytes, null when it cannot be read (missing for a moment during a rename). */
function digest(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

/** The watch of `fleetgate gateway` (one thread or --workers): queues reloads like SIGHUP; returns what stops it. */
export function startConfigWatch(path: string, queue: () => void, got: (w: ConfigWatch) => void): () => void {
  const w = new ConfigWatch(path, queue, { onError: (e) => console.error(`fleetgate gateway: warning: cannot watch ${path} (${e.message}); SIGHUP still reloads it`) });
  got(w);
  return () => w.close();
}
