// Builds the LayerId-indexed decoder table once, at startup, from the registry list.
import { Layer, LAYER_COUNT, type LayerId } from '../core/layers.js';
import type { PacketView } from '../core/packet-view.js';
import type { LayerDecoder } from './layer-decoder.js';

/** Slot 0 (Layer.NONE): never dispatched to, present so every index holds a decoder of the same shape. */
const noneDecoder: LayerDecoder = {
  id: Layer.NONE,
  decode(_p: PacketView, _off: number, _end: number): LayerId {
    return Layer.NONE;
  },
};

/**
 * Table with one decoder per LayerId. Throws (at startup, never per packet) on a duplicate id, an id
 * out of range, or a layer without a decoder.
 */
export function buildDecoderTable(decoders: readonly LayerDecoder[]): readonly LayerDecoder[] {
  const table: (LayerDecoder | undefined)[] = new Array<LayerDecoder | undefined>(LAYER_COUNT).fill(undefined);
  table[Layer.NONE] = noneDecoder;
  for (const d of decoders) {
    if (!Number.isInteger(d.id) || d.id <= Layer.NONE || d.id >= LAYER_COUNT) {
      throw new Error(`layer decoder id ${d.id} is out of range 1..${LAYER_COUNT - 1}`);
    }
    if (table[d.id] !== undefined) throw new Error(`duplicate layer decoder for layer id ${d.id}`);
    table[d.id] = d;
  }
  const missing = table.flatMap((d, id) => (d === undefined ? [id] : []));
  if (missing.length) throw new Error(`no layer decoder for layer id(s) ${missing.join(', ')}`);
  return table as LayerDecoder[];
}
