// Modbus/TCP: each ADU is an MBAP header (transaction id, protocol id 0, length = unit id + PDU,
// unit id) and a PDU starting with a function code. A segment must be whole ADUs chaining exactly
// to its end. On port 502 one valid segment matches; elsewhere two are needed.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export interface ModbusState {
  valid: number;
}

const MODBUS_PORT = 502;
const MAX_ADUS = 16;
const MAX_PDU = 253;

/** Public function codes plus the user-defined ranges 65-72 and 100-110 (UMAS is 90). */
function functionValid(fc: number): boolean {
  return (
    (fc >= 1 && fc <= 8) || fc === 11 || fc === 12 || (fc >= 15 && fc <= 17) || (fc >= 20 && fc <= 24) ||
    fc === 43 || (fc >= 65 && fc <= 72) || fc === 90 || (fc >= 100 && fc <= 110)
  );
}

/** Function code of the first ADU when the segment is whole, valid Modbus/TCP ADUs; else -1. */
export function modbusFunction(b: Uint8Array): number {
  const end = b.length;
  let o = 0;
  let first = -1;
  for (let n = 0; n < MAX_ADUS && o < end; n++) {
    if (o + 8 > end) return -1;
    if (b[o + 2] !== 0 || b[o + 3] !== 0) return -1;
    const len = (b[o + 4] << 8) | b[o + 5];
    if (len < 2 || len > MAX_PDU + 1 || o + 6 + len > end) return -1;
    const fc = b[o + 7];
    if (fc & 0x80) {
      // exception response: function | 0x80, then one exception code (1-4, 5, 6, 8, 10, 11)
      const code = b[o + 8];
      if (len !== 3 || !functionValid(fc & 0x7f) || code < 1 || code > 11 || code === 7 || code === 9) return -1;
    } else if (!functionValid(fc)) return -1;
    if (first < 0) first = fc;
    o += 6 + len;
  }
  return o === end ? first : -1;
}

export const modbusDissector: Dissector<ModbusState> = {
  name: 'Modbus',
  when: { l4: 'tcp', ports: [MODBUS_PORT] },
  budget: 4,
  init: () => ({ valid: 0 }),
  probe(data: Uint8Array, _dir: Dir, flow: FlowView, st: ModbusState): ProbeResult {
    if (modbusFunction(data) < 0) return 'exclude';
    st.valid++;
    if (flow.srcPort === MODBUS_PORT || flow.dstPort === MODBUS_PORT) return 'match';
    return st.valid >= 2 ? 'match' : 'more';
  },
  extract(data: Uint8Array, _dir: Dir, _flow: FlowView, _st: ModbusState, meta: AppMeta): void {
    const fc = modbusFunction(data);
    if (fc < 0) return;
    const x = (meta.extra ??= {});
    x.modbus_function ??= fc & 0x7f;
    x.modbus_unit_id ??= data[6];
  },
};
