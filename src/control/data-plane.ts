// The control plane's only view of the data path: live counters and packet capture. The API reaches
// packets through this interface and nothing else (DESIGN.md §3: api/ talks only to control/).

export interface CaptureFilter {
  /** Only frames to or from this device address (canonical text); absent = the whole gateway. */
  deviceIp?: string;
}

export interface CaptureHandle {
  /** Ends the capture early; onDone is still called (once) with the file written so far. */
  stop(): void;
}

/**
 * Named live counters since the data path started. LiveDataPlane reports: frames, ipPackets, ipBytes,
 * nonIpFrames, unattributedPackets, decoderEvents, flowsActive, flowsCreated, reportsEmitted,
 * capturesActive, snapshotVersion, and by direction upPackets/upBytes (device → network) and
 * downPackets/downBytes (network → device), IP bytes, up + down = ipPackets/ipBytes.
 */
export interface DataPlaneCounters {
  [name: string]: number;
}

/** One configured output's delivery counters (export/batcher) as the running data path sees them. */
export interface OutputStatus {
  name: string;
  kind: string;
  /** opening: starting (records wait); open: delivering; closing: draining before a change; failed: could not start (see lastError). */
  state: 'opening' | 'open' | 'closing' | 'failed';
  queued: number;
  sent: number;
  retried: number;
  spooled: number;
  dropped: number;
  /** The last write or connect failure, null when none since the output started. */
  lastError: string | null;
}

export interface DataPlane {
  /** Live counters of a gateway's data path; null when the gateway has no running data path. */
  counters(gatewayId: string): DataPlaneCounters | null;
  /**
   * Starts capturing a gateway's frames (or one device's) into a pcap for durationSec seconds.
   * onDone(pcapPath) is called exactly once: when the time is up or after stop(); onDone(null, reason)
   * when the capture failed. Throws when the gateway has no running data path.
   */
  startCapture(gatewayId: string, filter: CaptureFilter, durationSec: number, onDone: (pcapPath: string | null, failedReason?: string) => void): CaptureHandle;
  /** The gateway's outputs and their counters; null when no data path runs for it (optional: absent = never). */
  outputsStatus?(gatewayId: string): OutputStatus[] | null;
}

/** A data plane with nothing running (API-only servers, tests of the control plane alone). */
export const NO_DATA_PLANE: DataPlane = {
  counters: () => null,
  startCapture: () => {
    throw new Error('no data path is running for this gateway');
  },
};
