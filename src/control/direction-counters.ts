// Directional live counters: IP packets and bytes device → network (up) and network → device (down),
// from the flow state the pipeline just updated (no change to the pipeline's hot loop). A packet's
// direction: it goes the way of the flow's device side; in a flow with no known device, the side that
// opened the flow counts as the device side (as Mirroring's uplink does).
import type { Pipeline } from '../pipeline/worker.js';

export class DirectionCounters {
  upPackets = 0;
  upBytes = 0;
  downPackets = 0;
  downBytes = 0;

  /** Counts the packet in pipeline.view (call right after processFrame). Allocation-free. */
  count(pl: Pipeline): void {
    const p = pl.view;
    const idx = p.flowIdx;
    if (p.ipVersion === 0 || idx < 0) return;
    const a = pl.attrs;
    const dev = a.device[idx];
    if (p.flowDir === (dev >= 0 ? a.deviceSide[idx] : 0)) {
      this.upPackets++;
      this.upBytes += p.ipLen;
    } else {
      this.downPackets++;
      this.downBytes += p.ipLen;
    }
  }
}
