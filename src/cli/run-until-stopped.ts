// The life of a long-running command (`fleetgate gateway`, one thread or several): a status line every
// statusMs, SIGHUP (and config file watch) reloads run one after the other, and the run ends on
// SIGINT/SIGTERM, after --duration, or when something calls stop() (a capture's end, a failed worker).

export class StopSignal {
  private resolve: (why: string) => void = () => {};
  readonly stopped = new Promise<string>((r) => (this.resolve = r));
  readonly stop = (why: string): void => this.resolve(why);
}

export interface RunLoopOptions {
  /** Stop by itself after this long (0 = never). */
  stopAfterMs: number;
  /** Print a status line this often (0 = never). */
  statusMs: number;
  status: () => void;
  /** SIGHUP: re-read the config; a reload starts only after the one before it finished. */
  reload: () => Promise<void>;
  /**
   * A reload threw (a bug, or a failure it did not handle itself): told here, and the run goes on with
   * whatever the reload left in force (default: one line on standard error). Later reloads still run.
   */
  reloadFailed?: (e: unknown) => void;
  /**
   * Other reload triggers (the config file watch): called once with a function that queues a reload
   * exactly as SIGHUP does; returns what stops them.
   */
  reloadTriggers?: (queueReload: () => void) => () => void;
}

/** Runs until stopped; returns why (a signal name, 'duration', or what stop() was given), reloads done. */
export async function runUntilStopped(signal: StopSignal, o: RunLoopOptions): Promise<string> {
  const statusTimer = o.statusMs > 0 ? setInterval(o.status, o.statusMs) : null;
  const onSignal = (sig: NodeJS.Signals) => signal.stop(sig);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let reloading = Promise.resolve();
  const failed = o.reloadFailed ?? ((e: unknown) => console.error(`fleetgate gateway: reload failed, the running config stays as the reload left it: ${e instanceof Error ? e.message : String(e)}`));
  const onHup = () => {
    // never a rejected chain: it would skip every later reload and, unhandled, end the process
    reloading = reloading.then(o.reload).catch(failed);
  };
  process.on('SIGHUP', onHup);
  const stopTriggers = o.reloadTriggers?.(onHup);
  const timer = o.stopAfterMs > 0 ? setTimeout(() => signal.stop('duration'), o.stopAfterMs) : null;
  const why = await signal.stopped;
  if (timer) clearTimeout(timer);
  if (statusTimer) clearInterval(statusTimer);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onHup);
  stopTriggers?.();
  await reloading;
  return why;
}
