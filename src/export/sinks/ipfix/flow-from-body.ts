// The IPFIX sink takes flow records as JSON (enveloped `{..., record}` or bare FlowRecord).
import type { FlowRecord } from '../../flows/flow-record.js';

export function flowFromBody(body: Uint8Array): FlowRecord | null {
  try {
    const v = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8')) as Record<string, unknown>;
    const r = (v.record && typeof v.record === 'object' ? v.record : v) as Partial<FlowRecord>;
    if (typeof r.aAddr !== 'string' || typeof r.bAddr !== 'string' || typeof r.pktsAB !== 'number') return null;
    return r as FlowRecord;
  } catch {
    return null;
  }
}
