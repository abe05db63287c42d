import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEveRecords } from '../../../../src/export/records/eve/build-eve-records.js';
import { validateEveRecord } from '../../../../src/export/records/eve/validate-eve-record.js';
import type { EveRecord } from '../../../../src/export/records/eve/eve-types.js';
import { T0, flowRecord, input } from './eve-fixtures.js';

/** Builds, checks every record against the schema, returns them. */
function build(...args: Parameters<typeof input>): EveRecord[] {
  const recs = buildEveRecords(input(...args));
  for (const r of recs) assert.deepEqual(validateEveRecord(r), [], `${r.event_type} record should be valid`);
  return recs;
}

/** No key anywhere holds null or undefined (unknown fields are left out). */
function assertNoEmptyValues(v: unknown, path = '$'): void {
  assert.ok(v !== null && v !== undefined, `${path} is ${v}`);
  if (Array.isArray(v)) v.forEach((x, i) => assertNoEmptyValues(x, `${path}[${i}]`));
  else if (typeof v === 'object') for (const [k, x] of Object.entries(v as object)) assertNoEmptyValues(x, `${path}.${k}`);
}

test('every flow gets one flow record with EVE counters, times, state and reason', () => {
  const recs = build();
  assert.equal(recs.length, 1);
  assert.deepEqual(recs[0], {
    timestamp: '2023-09-18T06:13:41.532140+0000',
    flow_id: 42,
    event_type: 'flow',
    src_ip: '10.20.0.5',
    src_port: 49152,
    dest_ip: '93.184.216.34',
    dest_port: 443,
    proto: 'TCP',
    flow: {
      pkts_toserver: 12, pkts_toclient: 10, bytes_toserver: 1800, bytes_toclient: 9000,
      start: '2023-09-18T06:13:41.532140+0000', end: '2023-09-18T06:13:44.032140+0000',
      age: 3, state: 'established', reason: 'timeout',
    },
    fleetgate: { operatorId: 'op-1', gatewayId: 'gw-1', app: 'TLS.example.com', end_reason: 'idle' },
  });
  // Suricata's key order: timestamp, flow_id, event_type, then the tuple.
  assert.deepEqual(Object.keys(recs[0]).slice(0, 4), ['timestamp', 'flow_id', 'event_type', 'src_ip']);
});

test('flow record: one-sided flow is "new"; evicted is "forced"; end is "shutdown"', () => {
  const [a] = build({ flow: flowRecord({ pktsBA: 0, bytesBA: 0, endReason: 'evicted' }) });
  assert.equal(a.event_type, 'flow');
  if (a.event_type !== 'flow') return;
  assert.equal(a.flow.state, 'new');
  assert.equal(a.flow.reason, 'forced');
  const [b] = build({ flow: flowRecord({ endReason: 'end' }) });
  assert.equal(b.event_type === 'flow' && b.flow.reason, 'shutdown');
});

test('fleetgate fields: device from input (or the flow), app and category; flow records carry no pcap_cnt/tx_id', () => {
  const [r] = build({
    flow: flowRecord({ device: { ip: '10.20.0.5', imsi: '440101234567890', side: 'a' } }),
    app: 'MQTT.broker', category: 'IoT', pcapCnt: 17,
  });
  assert.deepEqual(r.fleetgate, {
    operatorId: 'op-1', gatewayId: 'gw-1', imsi: '440101234567890', device_ip: '10.20.0.5',
    app: 'MQTT.broker', category: 'IoT', end_reason: 'idle',
  });
  assert.equal('pcap_cnt' in r, false);
  assert.equal('tx_id' in r, false);
  const [s] = build({ device: { ip: '10.20.0.9' } });
  assert.equal(s.fleetgate.device_ip, '10.20.0.9');
  assert.equal('imsi' in s.fleetgate, false);
});

test('ICMP flows have no ports and no app_proto; ICMPv6 is written IPv6-ICMP', () => {
  const [r] = build({
    proto: 'ICMPV6',
    flow: flowRecord({ proto: 'ICMPV6', ipVersion: 6, aAddr: '2001:db8::5', bAddr: 'fe80::1', aPort: 0, bPort: 0 }),
  });
  assert.equal(r.proto, 'IPv6-ICMP');
  assert.equal('src_port' in r || 'dest_port' in r || 'app_proto' in r, false);
  assert.equal(r.src_ip, '2001:db8::5');
});

test('dns request: EVE dns v3 record, src = client, pcap_cnt and tx_id 0', () => {
  const recs = build({
    proto: 'DNS', pcapCnt: 1,
    flow: flowRecord({ proto: 'UDP', aPort: 49379, bAddr: '192.38.129.234', bPort: 53, pktsBA: 0, bytesBA: 0 }),
    meta: { hostname: 'code.msdn.microsoft.com', dns: { id: 28390, type: 'request', queries: [{ rrname: 'code.msdn.microsoft.com', rrtype: 'A' }] } },
  });
  assert.equal(recs.length, 2);
  assert.equal(recs[0].app_proto, 'dns');
  const r = recs[1];
  assert.equal(r.event_type, 'dns');
  if (r.event_type !== 'dns') return;
  assert.deepEqual(Object.keys(r).slice(0, 5), ['timestamp', 'flow_id', 'pcap_cnt', 'event_type', 'src_ip']);
  assert.equal(r.timestamp, recs[0].timestamp);
  assert.equal(r.flow_id, 42);
  assert.equal(r.pcap_cnt, 1);
  assert.equal(r.tx_id, 0);
  assert.equal(r.src_ip, '10.20.0.5');
  assert.equal(r.dest_port, 53);
  assert.equal(r.proto, 'UDP');
  assert.deepEqual(r.dns, { version: 3, type: 'request', id: 28390, queries: [{ rrname: 'code.msdn.microsoft.com', rrtype: 'A' }] });
  assert.equal('rcode' in r.dns || 'answers' in r.dns, false);
  assertNoEmptyValues(r);
});

test('dns response: the responder is src (Suricata 8 v3), rcode and answers copied', () => {
  const answers = [{ rrname: 'example.com', rrtype: 'A', ttl: 30, rdata: '93.184.216.34' }];
  const [, r] = build({
    proto: 'DNS',
    flow: flowRecord({ proto: 'UDP', bAddr: '8.8.8.8', bPort: 53 }),
    meta: { dns: { id: 7, type: 'response', rcode: 'NOERROR', queries: [{ rrname: 'example.com', rrtype: 'A' }], answers } },
  });
  assert.equal(r.event_type, 'dns');
  if (r.event_type !== 'dns') return;
  assert.equal(r.src_ip, '8.8.8.8');
  assert.equal(r.src_port, 53);
  assert.equal(r.dest_ip, '10.20.0.5');
  assert.equal(r.dest_port, 49152);
  assert.equal(r.dns.rcode, 'NOERROR');
  assert.deepEqual(r.dns.answers, answers);
  assert.notEqual(r.dns.answers, answers, 'answers are copied, not shared with the meta');
});

test('dns: when the capture began with the server (port 53 on side A), src still follows the DNS v3 rule', () => {
  const flow = flowRecord({ proto: 'UDP', aAddr: '192.168.170.20', aPort: 53, bAddr: '192.168.170.8', bPort: 32795 });
  const queries = [{ rrname: 'www.l.google.com', rrtype: 'AAAA' }];
  const [, resp] = build({ proto: 'DNS', flow, meta: { dns: { id: 1, type: 'response', rcode: 'NOERROR', queries } } });
  assert.equal(resp.src_ip, '192.168.170.20');
  assert.equal(resp.src_port, 53);
  const [, req] = build({ proto: 'DNS', flow, meta: { dns: { id: 1, type: 'request', queries } } });
  assert.equal(req.src_ip, '192.168.170.8');
  assert.equal(req.dest_port, 53);
});

test('http record copies the known EVE http fields only', () => {
  const [, r] = build({
    proto: 'HTTP', flow: flowRecord({ bPort: 80 }),
    meta: {
      hostname: 'example.com',
      http: { http_method: 'GET', hostname: 'example.com', url: '/index.html', http_user_agent: 'curl/8.0', status: 200, http_content_type: 'text/html', protocol: 'HTTP/1.1' },
      extra: { http_server: 'nginx' },
    },
  });
  assert.equal(r.event_type, 'http');
  if (r.event_type !== 'http') return;
  assert.equal(r.app_proto, 'http');
  assert.deepEqual(r.http, {
    hostname: 'example.com', url: '/index.html', http_user_agent: 'curl/8.0', http_content_type: 'text/html',
    http_method: 'GET', protocol: 'HTTP/1.1', status: 200,
  });
  const [, withLen] = build({ proto: 'HTTP', meta: { http: { http_method: 'GET' }, extra: { http_length: 310 } } });
  assert.equal(withLen.event_type === 'http' && withLen.http.length, 310);
});

test('tls record: sni, version, certificate names, ja3/ja3s/ja4 and ALPNs', () => {
  const ja3 = { hash: 'd00857e0c8e7a7f35e446508c6233460', string: '771,4866-4867,0-10-11,23,0' };
  const [, r] = build({
    proto: 'TLS',
    meta: {
      hostname: 'example.com',
      tls: {
        sni: 'example.com', version: 'TLS 1.3', client_alpns: ['h2', 'http/1.1'], server_alpns: ['h2'],
        supported_versions: ['TLS 1.3', 'TLS 1.2'], ja3, ja3s: { hash: '15af977ce25de452b96affa2addb1036', string: '771,4866,43-51' },
        ja4: 't13d1516h2_8daaf6152771_b186095e22b6', subject: 'CN=example.com', issuerdn: 'C=US, O=DigiCert Inc, CN=DigiCert TLS RSA SHA256 2020 CA1',
      },
    },
  });
  assert.equal(r.event_type, 'tls');
  if (r.event_type !== 'tls') return;
  assert.equal(r.app_proto, 'tls');
  assert.equal(r.tls.sni, 'example.com');
  assert.equal(r.tls.version, 'TLS 1.3');
  assert.deepEqual(r.tls.ja3, ja3);
  assert.equal(r.tls.ja4, 't13d1516h2_8daaf6152771_b186095e22b6');
  assert.deepEqual(r.tls.client_alpns, ['h2', 'http/1.1']);
  assert.deepEqual(r.tls.server_alpns, ['h2']);
  assert.equal(r.tls.issuerdn, 'C=US, O=DigiCert Inc, CN=DigiCert TLS RSA SHA256 2020 CA1');
  assert.equal('supported_versions' in r.tls, false, 'not an EVE tls field');
});

test('quic record: Suricata version spelling, sni, ja4, ALPN as an extension', () => {
  const [, r] = build({
    proto: 'QUIC', flow: flowRecord({ proto: 'UDP' }),
    meta: {
      hostname: 'www.google.com',
      quic: { version: 'V-1', sni: 'www.google.com', client_alpns: ['h3'] },
      extra: { quic_ja4: 'q13d0310h3_55b375c5d22e_cd85d2d88918', quic_ja3: '3b5074b1b5d032e5620f69f9f700ff0e', quic_tls_version: 'TLS 1.3' },
    },
  });
  assert.equal(r.event_type, 'quic');
  if (r.event_type !== 'quic') return;
  assert.equal(r.app_proto, 'quic');
  assert.deepEqual(r.quic, {
    version: '1', sni: 'www.google.com', ja3: { hash: '3b5074b1b5d032e5620f69f9f700ff0e' },
    ja4: 'q13d0310h3_55b375c5d22e_cd85d2d88918', extensions: [{ name: 'alpn', type: 16, values: ['h3'] }],
  });
});

test('mqtt record: connect (protocol, client id, username flag) and topics', () => {
  const [, r] = build({
    proto: 'MQTT', flow: flowRecord({ bPort: 1883 }),
    meta: { mqtt: { client_id: 'sensor-17', username_present: true, protocol_version: 4, topics: ['fleet/17/telemetry', 'fleet/17/cmd/#'] } },
  });
  assert.equal(r.event_type, 'mqtt');
  if (r.event_type !== 'mqtt') return;
  assert.equal(r.app_proto, 'mqtt');
  assert.deepEqual(r.mqtt, {
    connect: { protocol_string: 'MQTT', protocol_version: 4, client_id: 'sensor-17', flags: { username: true } },
    topics: ['fleet/17/telemetry', 'fleet/17/cmd/#'],
  });
  const [, v5] = build({ proto: 'MQTT', meta: { mqtt: { protocol_version: 3, client_id: '' } } });
  assert.deepEqual(v5.event_type === 'mqtt' && v5.mqtt, { connect: { protocol_string: 'MQIsdp', protocol_version: 3, client_id: '' } });
});

test('no app record without matching meta, for empty sections, or for protocols without an EVE section', () => {
  assert.equal(build({ proto: 'DNS' }).length, 1);
  assert.equal(build({ proto: 'TLS', meta: { tls: {} } }).length, 1);
  assert.equal(build({ proto: 'HTTP', meta: { http: {} } }).length, 1);
  assert.equal(build({ proto: 'MQTT', meta: { mqtt: {} } }).length, 1);
  const ssh = build({ proto: 'SSH', meta: { ssh: { client_banner: 'SSH-2.0-OpenSSH_9.6' } } });
  assert.equal(ssh.length, 1);
  assert.equal(ssh[0].app_proto, 'ssh');
  // The section follows the DPI protocol, not whatever the meta happens to hold.
  assert.equal(build({ proto: 'TLS', meta: { dns: { id: 1, type: 'request', queries: [] } } }).length, 1);
});

test('records are plain JSON: a round trip changes nothing', () => {
  const recs = build({ proto: 'DNS', meta: { dns: { id: 1, type: 'request', queries: [{ rrname: 'a.example', rrtype: 'AAAA' }] } } });
  for (const r of recs) assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  assert.ok(T0 > 0);
});
