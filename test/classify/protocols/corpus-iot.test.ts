// Corpus check for the IoT/ICS/misc dissectors: every flow nDPI labels with one of our protocols must
// match its dissector, and no dissector may match a flow nDPI labels as something else (apart from
// the documented differences below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dissector } from '../../../src/classify/dissector.js';
import { mqttDissector } from '../../../src/classify/protocols/mqtt.js';
import { coapDissector } from '../../../src/classify/protocols/coap.js';
import { ntpDissector } from '../../../src/classify/protocols/ntp.js';
import { sshDissector } from '../../../src/classify/protocols/ssh.js';
import { telnetDissector } from '../../../src/classify/protocols/telnet.js';
import { dhcpDissector } from '../../../src/classify/protocols/dhcp.js';
import { snmpDissector } from '../../../src/classify/protocols/snmp.js';
import { modbusDissector } from '../../../src/classify/protocols/modbus.js';
import { bacnetDissector } from '../../../src/classify/protocols/bacnet.js';
import { stunDissector } from '../../../src/classify/protocols/stun.js';
import { amqpDissector } from '../../../src/classify/protocols/amqp.js';
import { rtspDissector } from '../../../src/classify/protocols/rtsp.js';
import { sipDissector } from '../../../src/classify/protocols/sip.js';
import { corpusFlows, expectedMasters, runDissector } from './dissector-harness.js';

const DISSECTORS: readonly Dissector<unknown>[] = [
  mqttDissector, coapDissector, ntpDissector, sshDissector, telnetDissector, dhcpDissector, snmpDissector,
  modbusDissector, bacnetDissector, stunDissector, amqpDissector, rtspDissector, sipDissector,
] as unknown as Dissector<unknown>[];

const PCAPS = [
  'mqtt.pcap', 'coap_mqtt.pcap', 'NTPv4.pcap', 'ssh.pcap', 'telnet.pcap', 'snmp.pcap', 'modbus.pcap',
  'bacnet.pcap', 'stun.pcap', 'amqp.pcap', 'rtsp.pcap', 'sip.pcap', 'dhcp-fuzz.pcapng',
];

/**
 * Flows where our label legitimately differs from nDPI's master: nDPI starts these as STUN and
 * relabels them DTLS once the DTLS handshake follows (the engine, not the STUN dissector, does that).
 */
const KNOWN_DIFFERENT: ReadonlyMap<string, string> = new Map([
  ['UDP 142.250.82.99:3478 192.168.12.169:49153', 'STUN'],
  ['UDP 134.224.90.111:8801 192.168.43.169:48854', 'STUN'],
]);

for (const pcap of PCAPS) {
  test(`nDPI corpus ${pcap}: our dissectors agree with nDPI's master protocol`, (t) => {
    const flows = corpusFlows(t, pcap);
    if (flows === null) return;
    const expected = expectedMasters(pcap);
    assert.ok(expected.size > 0, 'the .out file lists flows');
    let checked = 0;
    for (const [key, master] of expected) {
      const flow = flows.get(key);
      assert.ok(flow !== undefined, `flow ${key} from the .out exists in the capture`);
      const matched: string[] = [];
      for (const d of DISSECTORS) {
        if (d.when.l4 !== 'both' && d.when.l4 !== flow.l4) continue;
        const r = runDissector(d, flow.l4, flow.srcPort, flow.dstPort, flow.payloads);
        if (r.outcome === 'match') matched.push(d.name);
      }
      const ours = DISSECTORS.some((d) => d.name === master);
      const want = KNOWN_DIFFERENT.get(key) ?? (ours ? master : undefined);
      assert.deepEqual(matched, want === undefined ? [] : [want], `${pcap} ${key}: nDPI says ${master}, we matched [${matched.join(',')}]`);
      checked++;
    }
    assert.equal(checked, expected.size);
  });
}
