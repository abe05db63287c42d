import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { APP_NAMES, APP_UNKNOWN, appId, appName, portApp } from '../../src/classify/port-apps.js';

const TCP = 6;
const UDP = 17;
const app = (proto: number, a: number, b: number) => appName(portApp(proto, a, b));

test('id 0 is Unknown and names are unique', () => {
  assert.equal(APP_UNKNOWN, 0);
  assert.equal(appName(0), 'Unknown');
  assert.equal(appName(99999), 'Unknown');
  assert.equal(new Set(APP_NAMES).size, APP_NAMES.length);
  assert.ok(APP_NAMES.length >= 60, `${APP_NAMES.length} apps`);
  for (let i = 0; i < APP_NAMES.length; i++) assert.equal(appId(APP_NAMES[i]), i);
  assert.equal(appId('NoSuchApp'), 0);
});

test('well-known ports in either direction', () => {
  assert.equal(app(UDP, 51000, 53), 'DNS');
  assert.equal(app(UDP, 53, 51000), 'DNS');
  assert.equal(app(TCP, 40000, 53), 'DNS');
  assert.equal(app(TCP, 40000, 443), 'TLS');
  assert.equal(app(UDP, 40000, 443), 'QUIC');
  assert.equal(app(TCP, 40000, 80), 'HTTP');
  assert.equal(app(TCP, 40000, 1883), 'MQTT');
  assert.equal(app(TCP, 40000, 8883), 'MQTT');
  assert.equal(app(UDP, 40000, 5683), 'COAP');
  assert.equal(app(UDP, 123, 123), 'NTP');
  assert.equal(app(TCP, 40000, 22), 'SSH');
  assert.equal(app(TCP, 40000, 23), 'Telnet');
  assert.equal(app(UDP, 68, 67), 'DHCP');
  assert.equal(app(UDP, 40000, 161), 'SNMP');
  assert.equal(app(TCP, 40000, 502), 'Modbus');
  assert.equal(app(UDP, 47808, 47808), 'BACnet');
  assert.equal(app(UDP, 40000, 3478), 'STUN');
  assert.equal(app(TCP, 40000, 5672), 'AMQP');
  assert.equal(app(TCP, 40000, 554), 'RTSP');
  assert.equal(app(UDP, 5060, 5060), 'SIP');
  assert.equal(app(TCP, 40000, 21), 'FTP_CONTROL');
  assert.equal(app(UDP, 5353, 5353), 'MDNS');
  assert.equal(app(UDP, 40000, 1900), 'SSDP');
  assert.equal(app(UDP, 40000, 5355), 'LLMNR');
  assert.equal(app(UDP, 137, 137), 'NetBIOS');
  assert.equal(app(UDP, 40000, 514), 'Syslog');
  assert.equal(app(UDP, 40000, 69), 'TFTP');
  assert.equal(app(TCP, 40000, 3389), 'RDP');
  assert.equal(app(TCP, 40000, 3306), 'MySQL');
  assert.equal(app(TCP, 40000, 5432), 'PostgreSQL');
});

test('the protocol matters: 443/udp is QUIC, 123/tcp is nothing', () => {
  assert.equal(app(TCP, 40000, 123), 'Unknown');
  assert.equal(app(UDP, 40000, 502), 'Unknown');
  assert.equal(app(TCP, 40000, 40001), 'Unknown');
});

test('when both ports are known the lower (server-looking) one wins', () => {
  assert.equal(app(TCP, 3306, 80), 'HTTP'); // client happened to use 3306
  assert.equal(app(TCP, 80, 3306), 'HTTP');
  assert.equal(app(UDP, 1900, 53), 'DNS');
});

test('portless protocols by IP protocol number', () => {
  assert.equal(app(1, 0, 0), 'ICMP');
  assert.equal(app(58, 0, 0), 'ICMPV6');
  assert.equal(app(47, 0, 0), 'GRE');
  assert.equal(app(50, 0, 0), 'IPSec');
  assert.equal(app(2, 0, 0), 'IGMP');
  assert.equal(app(255, 0, 0), 'Unknown');
  assert.equal(app(300, 0, 0), 'Unknown', 'out-of-range protocol numbers do not throw');
});

test('every name is one nDPI uses in its expected results (when the corpus is present)', (t) => {
  const dir = resolve(process.cwd(), '../shared/corpus/ndpi/result');
  if (!existsSync(dir)) {
    t.skip('nDPI corpus not present');
    return;
  }
  const seen = new Set<string>();
  for (const f of readdirSync(dir)) {
    for (const m of readFileSync(resolve(dir, f), 'utf8').matchAll(/\[proto: [0-9.]+\/([A-Za-z0-9_.-]+)\]/g)) {
      for (const n of m[1].split('.')) seen.add(n);
    }
  }
  // names checked against the corpus: the ones it contains must be spelled the nDPI way
  for (const n of ['DNS', 'HTTP', 'TLS', 'QUIC', 'MQTT', 'COAP', 'NTP', 'SSH', 'Telnet', 'DHCP', 'SNMP', 'Modbus', 'BACnet', 'STUN', 'AMQP', 'RTSP', 'SIP', 'SMTP', 'IMAP', 'POP3', 'FTP_CONTROL', 'MDNS', 'SSDP', 'LLMNR', 'NetBIOS', 'Syslog', 'TFTP', 'RDP', 'MySQL', 'PostgreSQL', 'ICMP', 'ICMPV6']) {
    assert.ok(APP_NAMES.includes(n), `${n} is in APP_NAMES`);
    assert.ok(seen.has(n), `${n} appears in nDPI's results`);
  }
  const inCorpus = APP_NAMES.filter((n) => seen.has(n));
  assert.ok(inCorpus.length >= 50, `${inCorpus.length} of our names appear in the corpus`);
});
