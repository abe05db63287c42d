// BACnet/IP (ASHRAE 135 Annex J) over UDP (47808 = 0xBAC0): a BVLC header (type 0x81, function,
// 16-bit length equal to the datagram length). Functions that carry an NPDU (Forwarded-NPDU after
// a 6-byte B/IP address, Distribute-Broadcast, Original-Unicast/Broadcast) need NPDU version 1.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export type BacnetState = Record<string, never>;

const BVLC_TYPE = 0x81;
const FUNCTIONS = [
  'result', 'write-bdt', 'read-bdt', 'read-bdt-ack', 'forwarded-npdu', 'register-foreign-device',
  'read-fdt', 'read-fdt-ack', 'delete-fdt-entry', 'distribute-broadcast-to-network',
  'original-unicast-npdu', 'original-broadcast-npdu', 'secure-bvll',
];

/** Offset of the NPDU for functions that carry one, 0 for those that do not, -1 for unknown functions. */
function npduOffset(fn: number): number {
  if (fn === 0x04) return 10;
  if (fn === 0x09 || fn === 0x0a || fn === 0x0b) return 4;
  return fn < FUNCTIONS.length ? 0 : -1;
}

export function isBacnetIp(b: Uint8Array): boolean {
  const end = b.length;
  if (end < 4 || b[0] !== BVLC_TYPE) return false;
  const fn = b[1];
  const npdu = npduOffset(fn);
  if (npdu < 0) return false;
  if (((b[2] << 8) | b[3]) !== end) return false;
  if (npdu === 0) return true;
  // NPDU: version 1, control byte with reserved bits 6 and 4 clear.
  return npdu + 2 <= end && b[npdu] === 0x01 && (b[npdu + 1] & 0x50) === 0;
}

export const bacnetDissector: Dissector<BacnetState> = {
  name: 'BACnet',
  when: { l4: 'udp', ports: [47808] },
  budget: 2,
  init: () => ({}),
  probe(data: Uint8Array): ProbeResult {
    return isBacnetIp(data) ? 'match' : 'exclude';
  },
  extract(data: Uint8Array, _dir: Dir, _flow: FlowView, _st: BacnetState, meta: AppMeta): void {
    if (!isBacnetIp(data)) return;
    (meta.extra ??= {}).bacnet_function ??= FUNCTIONS[data[1]];
  },
};
