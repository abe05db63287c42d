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

export interface DataPlaneCounters {
  [name: string]: number;
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
}

/** A data plane with nothing running (API-only servers, tests of the control plane alone). */
export const NO_DATA_PLANE: DataPlane = {
  counters: () => null,
  startCapture: () => {
    throw new Error('no data path is running for this gateway');
  },
};
