// tshark as referee: a small simulated capture decodes without malformed packets or bad checksums, and
// tshark finds the application traffic the simulator claims to produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapWriter } from '../../src/io/pcap-writer.js';
import { simulate } from '../../src/sim/index.js';
import { needTool } from '../_support/tools.js';

const CHECKS = ['-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'];

function tshark(args: string[]): string {
  const r = spawnSync('tshark', [...CHECKS, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('tshark decodes the simulated fleet cleanly and sees DNS, MQTT, HTTP, TLS and NTP', async (t) => {
  if (!needTool(t, 'tshark')) return;
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-sim-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pcap = join(dir, 'fleet.pcap');
  const w = PcapWriter.open(pcap, { linkType: 1 });
  const stats = simulate({ devices: 20, durationSec: 120, seed: 11 }, (buf, off, len, ts) => w.write(buf, off, len, ts));
  await w.close();
  assert.ok(stats.packets > 5000);

  const count = (filter: string) => tshark(['-r', pcap, '-Y', filter]).split('\n').filter((l) => l.trim() !== '').length;
  assert.equal(count('_ws.malformed'), 0, 'malformed packets');
  assert.equal(count('ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad"'), 0, 'bad checksums');
  assert.equal(count('_ws.expert.severity == error'), 0, 'expert errors');
  assert.equal(count('_ws.expert.severity == warning'), 0, 'expert warnings (no scenarios: no RSTs, no broken sequences)');

  const fields = (filter: string, field: string) => tshark(['-r', pcap, '-Y', filter, '-T', 'fields', '-e', field]).split('\n').filter((l) => l !== '');
  const queries = fields('dns.flags.response == 0', 'dns.qry.name');
  assert.ok(queries.includes('mqtt.fleet.example') && queries.includes('api.fleet.example'), `DNS queries: ${[...new Set(queries)]}`);
  assert.ok(fields('dns.flags.response == 1', 'dns.a').includes('203.0.113.10'), 'DNS answers carry A records');
  const topics = fields('mqtt.msgtype == 3', 'mqtt.topic');
  assert.ok(topics.length > 20 && topics.every((x) => /^fleet\/[a-z]+-\d{4}\/telemetry$/.test(x)), `topics: ${topics.slice(0, 3)}`);
  const mqttTypes = new Set(fields('mqtt', 'mqtt.msgtype').flatMap((x) => x.split(',')));
  for (const m of ['1', '2', '3', '4', '8', '9', '12', '13', '14']) assert.ok(mqttTypes.has(m), `MQTT message type ${m} missing`);
  const gets = fields('http.request.method == "GET"', 'http.request.uri');
  assert.ok(gets.length > 0 && gets[0].startsWith('/firmware/'), `GETs: ${gets}`);
  assert.ok(fields('http.response.code == 200', 'http.content_length').length > 0);
  const sni = new Set(fields('tls.handshake.type == 1', 'tls.handshake.extensions_server_name'));
  assert.ok(sni.has('api.fleet.example'), `SNI: ${[...sni]}`);
  assert.ok(fields('tls.handshake.type == 1', 'tls.handshake.extensions_alpn_str').length > 0, 'ALPN');
  assert.ok(fields('tls.handshake.type == 2', 'tls.handshake.extensions.supported_version').includes('0x0304'), 'TLS 1.3 ServerHello');
  assert.ok(fields('tls.record.opaque_type == 23', 'frame.number').length > 50, 'application data records');
  const ntp = fields('ntp', 'ntp.flags.mode');
  assert.ok(ntp.includes('3') && ntp.includes('4'), 'NTP client and server');
});
