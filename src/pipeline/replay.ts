// Feeds a capture file through a pipeline. A truncated or corrupt file still has every frame before the
// problem processed and the pipeline finished (reports flushed) before the error is returned.
import { openCapture } from '../io/capture-reader.js';
import { CaptureError } from '../core/errors.js';
import type { Pipeline } from './worker.js';

export interface ReplayResult {
  format: string;
  /** Set when the capture was cut short by a truncation or corruption; everything before it counted. */
  captureError?: CaptureError;
}

export interface ReplayOptions {
  /** Asked after each batch: a promise to wait for before reading on (outputs full), or null. */
  pause?: () => Promise<void> | null;
}

export async function replayFile(path: string, pipeline: Pipeline, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const pause = opts.pause;
  const reader = await openCapture(path);
  let captureError: CaptureError | undefined;
  try {
    for await (const batch of reader) {
      pipeline.processBatch(batch);
      const wait = pause?.();
      if (wait) await wait;
    }
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    captureError = e;
  } finally {
    await reader.close();
  }
  pipeline.finish();
  return captureError ? { format: reader.info.format, captureError } : { format: reader.info.format };
}
