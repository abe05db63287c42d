// The API's resources as the dashboard uses them (see docs/api.md and schemas/).
// Resources and records the API returns are the server's own types (type-only imports: nothing of the server is
// bundled), so the dashboard cannot drift from what the data path writes.
import type { InspectionReport, ReportApplication, ReportDestination } from '../../src/export/records/inspection-report-types.js';
import type { FlowRecord } from '../../src/export/flows/flow-record.js';

import type { CaptureSession as StoredCapture } from '../../src/control/store/model.js';

export type { Gateway, Device, MirroringPeer, RedirectionTarget, Junction } from '../../src/control/store/model.js';
/** A capture session as the API returns it: the pcap's download URL once it is done or stopped. */
export type CaptureSession = StoredCapture & { url?: string };

export type AppUse = ReportApplication;
export type Destination = ReportDestination;
export type Report = InspectionReport;
export type Flow = FlowRecord;

/** One event of GET /v1/gateways/{gw}/live. */
export interface LiveEvent {
  gatewayId: string;
  at: string;
  running: boolean;
  counters: Record<string, number>;
  /** upBitsPerSec / downBitsPerSec: device → network / network → device (absent from older servers). */
  rates: { framesPerSec: number; ipPacketsPerSec: number; ipBitsPerSec: number; upBitsPerSec?: number; downBitsPerSec?: number };
  junction: {
    /** state: mirroring | connecting | disabled | error (with error); counters as src/actions/mirror counts them. */
    mirroring: ({ address: string; state?: string; error?: string | null; connected?: boolean; sent?: number; bytes?: number; dropped?: number; truncated?: number; errors?: number } & Record<string, unknown>)[];
    redirection: {
      enabled?: boolean;
      /** 'count-only': the data path forwards nothing, selected packets are counted, not sent. */
      mode?: string;
      active?: string;
      redirected?: number;
      problems?: string[];
      peers?: ({ role: string; address: string; healthy: boolean; state: string; switches?: number; packets?: number; bytes?: number; rttMs?: number } & Record<string, unknown>)[];
    } | null;
    problems?: string[];
  } | null;
}
