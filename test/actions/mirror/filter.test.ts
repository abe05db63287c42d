import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpProto } from '../../../src/core/layers.js';
import { ConfigError } from '../../../src/core/errors.js';
import { appMatches, compileFilterConfig, MirrorMatchContext } from '../../../src/actions/mirror/filter.js';
import { parseAddress } from '../../../src/control/config/cidr.js';

interface Pkt {
  uplink?: boolean;
  proto?: number;
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  group?: string;
  app?: string;
}

/** A context over a small buffer holding the two addresses. */
function ctx(p: Pkt): MirrorMatchContext {
  const s = parseAddress(p.src)!;
  const d = parseAddress(p.dst)!;
  const c = new MirrorMatchContext();
  c.addrBuf = new Uint8Array([0xee, ...s, ...d]); // a leading byte: offsets are not 0
  c.srcAddrOff = 1;
  c.dstAddrOff = 1 + s.length;
  c.ipVersion = s.length === 4 ? 4 : 6;
  c.uplink = p.uplink ?? true;
  c.proto = p.proto ?? IpProto.TCP;
  c.srcPort = p.sport ?? 40000;
  c.dstPort = p.dport ?? 443;
  c.group = p.group;
  c.app = p.app ?? 'Unknown';
  return c;
}

const up = (x: Partial<Pkt> = {}): Pkt => ({ src: '10.128.0.5', dst: '93.184.216.34', ...x });
const down = (x: Partial<Pkt> = {}): Pkt => ({ src: '93.184.216.34', dst: '10.128.0.5', sport: 443, dport: 40000, uplink: false, ...x });

const TABLE: { name: string; rules: unknown[]; pkt: Pkt; want: boolean }[] = [
  { name: 'no rules: nothing is mirrored', rules: [], pkt: up(), want: false },
  { name: 'accept all', rules: [{ number: 1, action: 'accept' }], pkt: up(), want: true },
  { name: 'reject all', rules: [{ number: 1, action: 'reject' }], pkt: up(), want: false },
  {
    name: 'first match wins: lower number rejects before a broader accept',
    rules: [{ number: 20, action: 'accept' }, { number: 10, action: 'reject', protocol: 'tcp', destinationPorts: 443 }],
    pkt: up(),
    want: false,
  },
  {
    name: 'first match wins: the reject does not match, the accept does',
    rules: [{ number: 20, action: 'accept' }, { number: 10, action: 'reject', protocol: 'tcp', destinationPorts: 443 }],
    pkt: up({ dport: 80 }),
    want: true,
  },
  {
    name: 'rule order in the list does not matter, numbers do',
    rules: [{ number: 5, action: 'accept', protocol: 'tcp' }, { number: 1, action: 'reject', sourceCidr: '10.128.0.0/16' }],
    pkt: up(),
    want: false,
  },
  { name: 'direction uplink matches uplink', rules: [{ number: 1, action: 'accept', direction: 'uplink' }], pkt: up(), want: true },
  { name: 'direction uplink skips downlink (no other rule: not mirrored)', rules: [{ number: 1, action: 'accept', direction: 'uplink' }], pkt: down(), want: false },
  { name: 'direction downlink', rules: [{ number: 1, action: 'accept', direction: 'downlink' }], pkt: down(), want: true },
  { name: 'protocol udp skips tcp', rules: [{ number: 1, action: 'accept', protocol: 'udp' }], pkt: up(), want: false },
  { name: 'protocol number 17', rules: [{ number: 1, action: 'accept', protocol: 17 }], pkt: up({ proto: 17 }), want: true },
  { name: 'icmp matches ICMPv4', rules: [{ number: 1, action: 'accept', protocol: 'icmp' }], pkt: up({ proto: 1 }), want: true },
  { name: 'icmp matches ICMPv6 on IPv6', rules: [{ number: 1, action: 'accept', protocol: 'icmp' }], pkt: { src: 'fd00::5', dst: '2001:db8::1', proto: 58 }, want: true },
  { name: 'icmp does not match protocol 58 over IPv4', rules: [{ number: 1, action: 'accept', protocol: 'icmp' }], pkt: up({ proto: 58 }), want: false },
  { name: 'destination CIDR inside', rules: [{ number: 1, action: 'accept', destinationCidr: '93.184.216.0/24' }], pkt: up(), want: true },
  { name: 'destination CIDR outside', rules: [{ number: 1, action: 'accept', destinationCidr: '93.184.217.0/24' }], pkt: up(), want: false },
  { name: 'source CIDR /0 matches any IPv4', rules: [{ number: 1, action: 'accept', sourceCidr: '0.0.0.0/0' }], pkt: up(), want: true },
  { name: 'an IPv4 CIDR never matches an IPv6 packet', rules: [{ number: 1, action: 'accept', sourceCidr: '0.0.0.0/0' }], pkt: { src: 'fd00::5', dst: '2001:db8::1' }, want: false },
  { name: 'IPv6 CIDR', rules: [{ number: 1, action: 'accept', sourceCidr: 'fd00::/16', destinationCidr: '2001:db8::/32' }], pkt: { src: 'fd00::5', dst: '2001:db8::1' }, want: true },
  { name: 'port range inside', rules: [{ number: 1, action: 'accept', protocol: 'tcp', sourcePorts: '32768-60999' }], pkt: up(), want: true },
  { name: 'port range outside', rules: [{ number: 1, action: 'accept', protocol: 'tcp', sourcePorts: '1-1023' }], pkt: up(), want: false },
  { name: 'group matches', rules: [{ number: 1, action: 'accept', group: 'meters' }], pkt: up({ group: 'meters' }), want: true },
  { name: 'group list', rules: [{ number: 1, action: 'accept', group: ['cams', 'meters'] }], pkt: up({ group: 'meters' }), want: true },
  { name: 'group rule never matches a device in no group', rules: [{ number: 1, action: 'accept', group: 'meters' }], pkt: up(), want: false },
  { name: 'app exact', rules: [{ number: 1, action: 'accept', app: 'MQTT' }], pkt: up({ app: 'MQTT' }), want: true },
  { name: 'app case-insensitive', rules: [{ number: 1, action: 'accept', app: 'mqtt' }], pkt: up({ app: 'MQTT' }), want: true },
  { name: 'app protocol part', rules: [{ number: 1, action: 'accept', app: 'TLS' }], pkt: up({ app: 'TLS.aws-iot' }), want: true },
  { name: 'app application part', rules: [{ number: 1, action: 'accept', app: 'aws-iot' }], pkt: up({ app: 'TLS.aws-iot' }), want: true },
  { name: 'app other', rules: [{ number: 1, action: 'accept', app: 'DNS' }], pkt: up({ app: 'TLS.aws-iot' }), want: false },
  {
    name: 'everything but DNS, uplink only (reject then accept)',
    rules: [{ number: 100, action: 'reject', app: 'DNS' }, { number: 200, action: 'accept', direction: 'uplink' }],
    pkt: up({ app: 'DNS', proto: 17, dport: 53 }),
    want: false,
  },
  {
    name: 'all fields of a rule must match',
    rules: [{ number: 1, action: 'accept', direction: 'uplink', protocol: 'tcp', destinationCidr: '93.184.216.34/32', destinationPorts: 443, group: 'meters', app: 'TLS' }],
    pkt: up({ group: 'meters', app: 'TLS' }),
    want: true,
  },
  {
    name: 'all fields of a rule must match (group differs)',
    rules: [{ number: 1, action: 'accept', direction: 'uplink', protocol: 'tcp', destinationCidr: '93.184.216.34/32', destinationPorts: 443, group: 'cams', app: 'TLS' }],
    pkt: up({ group: 'meters', app: 'TLS' }),
    want: false,
  },
];

for (const c of TABLE) {
  test(`filter: ${c.name}`, () => {
    const m = compileFilterConfig({ rules: c.rules });
    assert.equal(m(ctx(c.pkt)), c.want);
  });
}

test('filter: { } (no rules key) mirrors nothing, like an empty list', () => {
  assert.equal(compileFilterConfig({})(ctx(up())), false);
});

test('appMatches: whole label, protocol part, application part; never a partial word', () => {
  assert.equal(appMatches('TLS.aws-iot', 'TLS.aws-iot'), true);
  assert.equal(appMatches('TLS.aws-iot', 'tls'), true);
  assert.equal(appMatches('TLS.aws-iot', 'AWS-IOT'), true);
  assert.equal(appMatches('TLS.aws-iot', 'TL'), false);
  assert.equal(appMatches('TLS.aws-iot', 'iot'), false);
  assert.equal(appMatches('MQTT', 'MQTTS'), false);
  assert.equal(appMatches('MQTT', ''), false);
});

function problems(rules: unknown): { path: string; problem: string }[] {
  try {
    compileFilterConfig(rules, 'gateway.junction.mirroring.peers[0].filter');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return (e as unknown as { problems: { path: string; problem: string }[] }).problems.map((p) => ({ path: p.path, problem: p.problem }));
  }
  assert.fail('expected a ConfigError');
}

test('validation: every problem is reported, naming the rule number and the field', () => {
  const ps = problems({
    rules: [
      { number: 10, action: 'accept', sourceCidr: '10.0.0.0/8', destinationCidr: '2001:db8::/32' },
      { number: 20, action: 'mirror' },
      { number: 30, action: 'accept', destinationPorts: 443 },
      { number: 40, action: 'accept', protocol: 'udp', destinationPorts: '99999' },
      { number: 50, action: 'accept', direction: 'inbound' },
      { number: 60, action: 'accept', sourceCidr: '10.0.0.1/8' },
      { number: 10, action: 'reject' },
      { action: 'accept' },
      { number: 70, action: 'accept', protocol: 'sctp', colour: 'red' },
    ],
  });
  const base = 'gateway.junction.mirroring.peers[0].filter.rules';
  const has = (path: string, re: RegExp) =>
    assert.ok(ps.some((p) => p.path === path && re.test(p.problem)), `expected ${path} ~ ${re}; got ${JSON.stringify(ps, null, 1)}`);
  has(`${base}[0].destinationCidr`, /^rule 10: .*both be IPv4 or both IPv6/);
  has(`${base}[1].action`, /^rule 20: must be 'accept' or 'reject'/);
  has(`${base}[2].destinationPorts`, /^rule 30: port ranges need protocol: tcp or protocol: udp/);
  has(`${base}[3].destinationPorts`, /^rule 40: must be a port/);
  has(`${base}[4].direction`, /^rule 50: must be 'uplink'/);
  has(`${base}[5].sourceCidr`, /^rule 60: .*host bits set; did you mean 10\.0\.0\.0\/8/);
  has(`${base}[6].number`, /^rule 10: the number is already used by rules\[0\]/);
  has(`${base}[7].number`, /^rule: is required/);
  has(`${base}[8].protocol`, /^rule 70: must be tcp, udp, icmp, any/);
  has(`${base}[8].colour`, /^rule 70: unknown key 'colour'/);
  assert.equal(ps.length, 10);
});

test('validation: filter must be a mapping with rules as a list', () => {
  assert.match(problems([{ number: 1, action: 'accept' }])[0].problem, /must be a mapping \{ rules/);
  assert.match(problems({ rules: 'all' })[0].problem, /must be a list of rules/);
  assert.match(problems({ rules: [], mode: 'x' })[0].path, /filter\.mode$/);
});
