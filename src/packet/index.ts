// The packet folder's registry: every layer decoder, in one list. decode.ts builds its dispatch table
// from it (duplicates and gaps are rejected at startup). Import decodeFrame from './decode.js'.
import type { LayerDecoder } from './layer-decoder.js';
import { ethernetDecoder } from './layers/ethernet.js';
import { vlanDecoder } from './layers/vlan.js';
import { sllDecoder } from './layers/sll.js';
import { sll2Decoder } from './layers/sll2.js';
import { nullDecoder } from './layers/null.js';
import { rawIpDecoder } from './layers/raw-ip.js';
import { ipv4Decoder } from './layers/ipv4.js';
import { ipv6Decoder } from './layers/ipv6.js';
import { tcpDecoder } from './layers/tcp.js';
import { udpDecoder } from './layers/udp.js';
import { icmpDecoder } from './layers/icmp.js';
import { icmpv6Decoder } from './layers/icmpv6.js';
import { greDecoder } from './layers/gre.js';
import { vxlanDecoder } from './layers/vxlan.js';
import { geneveDecoder } from './layers/geneve.js';
import { gtpuDecoder } from './layers/gtpu.js';
import { pppoeDecoder } from './layers/pppoe.js';

export const LAYER_DECODERS: readonly LayerDecoder[] = [
  ethernetDecoder,
  vlanDecoder,
  sllDecoder,
  sll2Decoder,
  nullDecoder,
  rawIpDecoder,
  ipv4Decoder,
  ipv6Decoder,
  tcpDecoder,
  udpDecoder,
  icmpDecoder,
  icmpv6Decoder,
  greDecoder,
  vxlanDecoder,
  geneveDecoder,
  gtpuDecoder,
  pppoeDecoder,
];

export type { LayerDecoder } from './layer-decoder.js';
export { Ev, EVENT_NAMES, eventName, eventId, type EventId } from './events.js';
