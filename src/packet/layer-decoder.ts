// The shape of one layer decoder (one per file in layers/), and how decoders hand on to the next layer.
import type { PacketView } from '../core/packet-view.js';
import type { LayerId } from '../core/layers.js';

/**
 * Decodes one header in place. `off` is where this layer's header starts and `end` where the bytes this
 * layer may use end (both absolute indexes into `p.buf`).
 *
 * Contract:
 * - Returns the id of the next layer, or `Layer.NONE` to stop. Before returning a next layer the decoder
 *   sets `p.nextOff` (where that layer starts) and `p.nextEnd` (where its bytes end).
 * - Never throws and never allocates; on bytes it cannot decode it records an event (`p.addEvent`) and
 *   returns `Layer.NONE`.
 */
export interface LayerDecoder {
  readonly id: LayerId;
  decode(p: PacketView, off: number, end: number): LayerId;
}
