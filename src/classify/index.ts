// The classify folder's registry: every dissector in one list (duplicates are rejected at startup).
// Order matters only among dissectors that could both match a flow's first packets; the engine tries
// dissectors whose ports match the flow first.
import type { Dissector } from './dissector.js';
import { dnsDissector } from './protocols/dns.js';
import { httpDissector } from './protocols/http.js';
import { tlsDissector } from './protocols/tls.js';
import { quicDissector } from './protocols/quic.js';
import { mqttDissector } from './protocols/mqtt.js';
import { coapDissector } from './protocols/coap.js';
import { ntpDissector } from './protocols/ntp.js';
import { sshDissector } from './protocols/ssh.js';
import { telnetDissector } from './protocols/telnet.js';
import { dhcpDissector } from './protocols/dhcp.js';
import { snmpDissector } from './protocols/snmp.js';
import { modbusDissector } from './protocols/modbus.js';
import { bacnetDissector } from './protocols/bacnet.js';
import { stunDissector } from './protocols/stun.js';
import { amqpDissector } from './protocols/amqp.js';
import { rtspDissector } from './protocols/rtsp.js';
import { sipDissector } from './protocols/sip.js';

export const DISSECTORS: readonly Dissector<unknown>[] = registry([
  dnsDissector,
  httpDissector,
  tlsDissector,
  quicDissector,
  mqttDissector,
  coapDissector,
  ntpDissector,
  sshDissector,
  telnetDissector,
  dhcpDissector,
  snmpDissector,
  modbusDissector,
  bacnetDissector,
  stunDissector,
  amqpDissector,
  rtspDissector,
  sipDissector,
] as Dissector<unknown>[]);

function registry(list: Dissector<unknown>[]): readonly Dissector<unknown>[] {
  const seen = new Set<string>();
  for (const d of list) {
    if (seen.has(d.name)) throw new Error(`dissector '${d.name}' is registered twice`);
    seen.add(d.name);
  }
  return list;
}

export type { Dissector, AppMeta, Dir, FlowView, ProbeResult } from './dissector.js';
export { ClassifyEngine } from './engine.js';
