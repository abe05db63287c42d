// Real dissector output through the EVE builders: replays corpus captures, builds the records of
// every finished flow and checks them against the schema, then compares one DNS flow with what
// suricata-verify expects Suricata 8 to log.
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Pipeline } from '../../../../src/pipeline/worker.js';
import { replayFile } from '../../../../src/pipeline/replay.js';
import { DeviceDirectory } from '../../../../src/control/devices/device-directory.js';
import { buildEveRecords } from '../../../../src/export/records/eve/build-eve-records.js';
import { validateEveRecord } from '../../../../src/export/records/eve/validate-eve-record.js';
import type { EveRecord } from '../../../../src/export/records/eve/eve-types.js';
import { corpusDir } from '../../../_support/tools.js';

async function eveRecordsOf(file: string): Promise<EveRecord[]> {
  const out: EveRecord[] = [];
  const pipeline = new Pipeline({
    operatorId: 'op-1',
    gatewayId: 'gw-1',
    intervalUs: 3600e6,
    flowCapacity: 1 << 14,
    devices: DeviceDirectory.empty(),
    onFlowMeta: (flow, info) => {
      out.push(...buildEveRecords({ flowId: info.flowId, flow, proto: info.proto, meta: info.meta, gatewayId: 'gw-1', operatorId: 'op-1' }));
    },
  });
  const res = await replayFile(file, pipeline);
  assert.equal(res.captureError, undefined, `${file}: ${res.captureError?.message}`);
  return out;
}

function files(t: TestContext, sub: string, names: string[]): string[] {
  const dir = corpusDir(t, sub);
  if (!dir) return [];
  return names.map((n) => join(dir, n)).filter((f) => existsSync(f));
}

test('records built from real captures (dns, http, tls, quic, mqtt) all pass the schema', async (t) => {
  const list = [
    ...files(t, 'ndpi/pcap', [
      'dns.pcap', 'dns_long_domainname.pcap', 'dns-invalid-chars.pcap', 'http.pcapng', 'http-lines-split.pcap',
      'google_ssl.pcap', 'long_tls_certificate.pcap', 'quic-29.pcap', 'quic-v2.pcapng', 'gquic.pcap', 'mqtt.pcap', 'coap_mqtt.pcap',
    ]),
    ...files(t, 'suricata-verify', ['dns/bug-990/input.pcap', 'quic-ietf/input.pcap', 'mqtt-pub-rules/mqtt5_pub_jpeg.pcap']),
  ];
  if (list.length === 0) return;
  const seen = new Map<string, number>();
  for (const f of list) {
    const recs = await eveRecordsOf(f);
    assert.ok(recs.length > 0, `${f}: no records`);
    for (const r of recs) {
      const problems = validateEveRecord(r);
      assert.deepEqual(problems, [], `${f}: ${JSON.stringify(r)}`);
      seen.set(r.event_type, (seen.get(r.event_type) ?? 0) + 1);
    }
  }
  for (const type of ['flow', 'dns', 'http', 'tls', 'quic', 'mqtt']) assert.ok((seen.get(type) ?? 0) > 0, `no ${type} record from the corpus`);
});

test('suricata-verify dns/bug-990: the dns and flow records match what Suricata logs', async (t) => {
  const [file] = files(t, 'suricata-verify', ['dns/bug-990/input.pcap']);
  if (!file) return t.skip('dns/bug-990 is not in the corpus');
  const recs = await eveRecordsOf(file);
  const dns = recs.find((r) => r.event_type === 'dns');
  const flow = recs.find((r) => r.event_type === 'flow' && r.dest_port === 53);
  assert.ok(dns && dns.event_type === 'dns', 'a dns record');
  assert.ok(flow && flow.event_type === 'flow', 'a flow record');
  // Expected values from the test's test.yaml (Suricata 8, dns v3).
  assert.equal(dns.src_ip, '192.168.69.156');
  assert.equal(dns.src_port, 49379);
  assert.equal(dns.dest_ip, '192.38.129.234');
  assert.equal(dns.dest_port, 53);
  assert.equal(dns.proto, 'UDP');
  assert.equal(dns.tx_id, 0);
  assert.equal(dns.dns.type, 'request');
  assert.equal(dns.dns.id, 28390);
  assert.deepEqual(dns.dns.queries?.[0], { rrname: 'code.msdn.microsoft.com', rrtype: 'A' });
  assert.equal(flow.app_proto, 'dns');
  assert.equal(flow.src_ip, '192.168.69.156');
  assert.equal(flow.flow.pkts_toserver, 1);
  assert.equal(flow.flow.pkts_toclient, 0);
  assert.equal(flow.flow.bytes_toclient, 0);
  assert.equal(flow.flow.age, 0);
  assert.equal(flow.flow.state, 'new');
  assert.equal(flow.flow.reason, 'shutdown');
  assert.equal(flow.flow_id, dns.flow_id);
});

/** The first record of the given type from a suricata-verify capture, or undefined (test skipped). */
async function firstOf(t: TestContext, capture: string, type: EveRecord['event_type']): Promise<EveRecord | undefined> {
  const [file] = files(t, 'suricata-verify', [capture]);
  if (!file) {
    t.skip(`${capture} is not in the corpus`);
    return undefined;
  }
  const r = (await eveRecordsOf(file)).find((x) => x.event_type === type);
  assert.ok(r, `a ${type} record from ${capture}`);
  return r;
}

test('suricata-verify tls-alpn-log-detect-02: client and server ALPNs as Suricata logs them', async (t) => {
  const r = await firstOf(t, 'tls-alpn-log-detect-02/input.pcap', 'tls');
  if (r?.event_type !== 'tls') return;
  assert.deepEqual(r.tls.client_alpns, ['h2', 'http/1.1']);
  assert.deepEqual(r.tls.server_alpns, ['http/1.1']);
});

test('suricata-verify quic-ietf: sni and the alpn extension as Suricata logs them', async (t) => {
  const r = await firstOf(t, 'quic-ietf/input.pcap', 'quic');
  if (r?.event_type !== 'quic') return;
  assert.equal(r.app_proto, 'quic');
  assert.equal(r.quic.sni, 'msquic.net');
  assert.equal(r.quic.version, '1');
  assert.deepEqual(r.quic.extensions, [{ name: 'alpn', type: 16, values: ['h3-29'] }]);
});

test('suricata-verify mqtt-pub-rules: connect fields and the published topic', async (t) => {
  const r = await firstOf(t, 'mqtt-pub-rules/mqtt5_pub_jpeg.pcap', 'mqtt');
  if (r?.event_type !== 'mqtt') return;
  assert.deepEqual(r.mqtt.connect, { protocol_string: 'MQTT', protocol_version: 5, client_id: '', flags: { username: true } });
  assert.ok(r.mqtt.topics?.includes('topicX'));
});
