// Test support: a redirection with a probed primary and standby, and a decoded TCP packet of flow n.
import { PacketView } from '../../../../src/core/packet-view.js';
import { LinkType } from '../../../../src/core/layers.js';
import { decodeFrame } from '../../../../src/packet/decode.js';
import { buildFrame } from '../../../../src/packet/build/compose.js';

/** Inner addresses: 10.128.255.254 ^ .1 = 0xff → worker 1 of 2; ^ .2 = 0xfc → worker 0 of 2. */
export const TWO_PEERS = {
  localAddress: '10.128.255.254',
  primary: { address: '192.0.2.10', protocol: 'vxlan', vni: 10, innerAddress: '10.128.255.1' },
  standby: { address: '192.0.2.11', protocol: 'vxlan', vni: 10, innerAddress: '10.128.255.2' },
};

/** A device's TCP packet to 203.0.113.10:80, source port 20000 + flow, with p.flowIdx = flow. */
export function flowPacket(flow: number): PacketView {
  const f = buildFrame({ ip: { src: '10.128.0.2', dst: '203.0.113.10' }, tcp: { sport: 20000 + flow, dport: 80 }, payload: `flow ${flow}` });
  const p = new PacketView();
  decodeFrame(p, f, 0, f.length, f.length, 0, LinkType.ETHERNET);
  p.flowIdx = flow;
  return p;
}
