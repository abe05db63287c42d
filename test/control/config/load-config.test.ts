import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, parseConfig, parseConfigObject, ConfigProblems } from '../../../src/control/config/index.js';
import { ConfigError } from '../../../src/core/errors.js';
import { hasProblem, problemsOf } from './_support/problems.js';

const BASE = `operator: { id: op-acme, name: ACME Meters }
gateway:
  id: gw-tokyo-1
  deviceSubnets: [10.128.0.0/16, "fd00:128::/64"]
groups:
  - { name: meters, description: Smart meters }
devices:
  - { imsi: "001010000000001", ip: 10.128.0.1, name: meter-0001, group: meters, teid: 4097, tags: [floor-1] }
`;

/** Parses text that must fail; returns the thrown ConfigProblems. */


test('a valid config loads with defaults filled in', () => {
  const c = parseConfig(BASE);
  assert.equal(c.operator.id, 'op-acme');
  assert.equal(c.gateway.id, 'gw-tokyo-1');
  assert.deepEqual(c.gateway.deviceSubnets, ['10.128.0.0/16', 'fd00:128::/64']);
  assert.deepEqual(c.gateway.inspection, { enabled: true, intervalSeconds: 60, topDestinations: 10 });
  assert.equal(c.gateway.maxUnregisteredDevices, 100_000);
  assert.deepEqual(c.flowTable, { capacity: 1_000_000, timeouts: {} });
  assert.deepEqual(c.devices, [{ imsi: '001010000000001', ip: '10.128.0.1', name: 'meter-0001', group: 'meters', teid: 4097, tags: ['floor-1'] }]);
  assert.deepEqual(c.groups, [{ name: 'meters', description: 'Smart meters' }]);
});

test('examples/fleet.yaml loads', () => {
  const c = loadConfig(resolve(process.cwd(), 'examples/fleet.yaml'));
  assert.equal(c.gateway.id, 'gw-tokyo-1');
  assert.ok(c.devices.length >= 3);
  assert.ok(c.devices.every((d) => d.imsi && /^\d{15}$/.test(d.imsi)));
  assert.equal(c.flowTable.timeouts.udp, 120);
});

test('IPv6 addresses and subnets are stored in canonical form', () => {
  const c = parseConfig(`operator: { id: o }
gateway: { id: g, deviceSubnets: ["FD00:0128:0000::/64"] }
devices:
  - { ip: "fd00:128:0:0::0:1" }
`);
  assert.deepEqual(c.gateway.deviceSubnets, ['fd00:128::/64']);
  assert.equal(c.devices[0].ip, 'fd00:128::1');
  assert.deepEqual(c.devices[0].tags, []);
});

test('without groups, groups are derived from the devices', () => {
  const c = parseConfig(`operator: { id: o }
gateway: { id: g, deviceSubnets: [10.0.0.0/8] }
devices:
  - { ip: 10.0.0.1, group: b }
  - { ip: 10.0.0.2, group: a }
  - { ip: 10.0.0.3, group: b }
`);
  assert.deepEqual(c.groups, [{ name: 'b' }, { name: 'a' }]);
});

test('unknown keys are errors, with a suggestion for typos', () => {
  const e = problemsOf(BASE + 'devcies: []\n');
  hasProblem(e, 'devcies', "unknown key 'devcies' (did you mean 'devices'?)");
  const e2 = problemsOf(BASE.replace('id: gw-tokyo-1', 'id: gw-tokyo-1\n  colour: red'));
  hasProblem(e2, 'gateway.colour', "unknown key 'colour'");
  assert.match(e2.problems[0].problem, /allowed: id, name, deviceSubnets/);
});

test('every problem is reported at once, in file order, with line and column', () => {
  const text = `operator: { id: op-acme }
gateway:
  id: gw-tokyo-1
  deviceSubnets: [10.128.0.0/16, "fd00:128::/64", 10.9.0.1/8, nonsense]
  inspection: { enabled: true, intervalSeconds: 5 }
groups:
  - { name: meters }
devices:
  - { imsi: "001010000000001", ip: 10.128.0.1, name: m1, group: meters, teid: 4097 }
  - { imsi: "001010000000002", ip: 10.128.0.1, name: m1, group: sensors }
  - { imsi: "001010000000001", ip: 10.129.0.300 }
  - { imsi: "001010000000003", ip: "fd00:128::5", teid: 4097 }
  - { imsi: "123", ip: 10.9.0.1 }
`;
  const e = problemsOf(text);
  hasProblem(e, 'gateway.deviceSubnets[2]', 'has host bits set; did you mean 10.0.0.0/8?');
  hasProblem(e, 'gateway.deviceSubnets[3]', 'is not a CIDR');
  hasProblem(e, 'gateway.inspection.intervalSeconds', 'must be between 10 and 3600 seconds');
  hasProblem(e, 'devices[1].ip', 'duplicates the ip of devices[0]');
  hasProblem(e, 'devices[1].name', 'duplicates the name of devices[0]');
  hasProblem(e, 'devices[1].group', "'sensors' is not declared in groups");
  hasProblem(e, 'devices[2].imsi', 'duplicates the imsi of devices[0]');
  hasProblem(e, 'devices[2].ip', 'is not an IPv4 or IPv6 address');
  hasProblem(e, 'devices[3].teid', 'duplicates the teid of devices[0]');
  hasProblem(e, 'devices[4].imsi', 'must be 14 or 15 digits');
  assert.equal(e.problems.length, 10, e.message);
  // one line per problem, file:line:col: path: problem
  const lines = e.message.split('\n');
  assert.equal(lines.length, e.problems.length);
  assert.match(lines[0], /^fleet\.yaml:4:\d+: gateway\.deviceSubnets\[2\]: /);
  const interval = e.problems.find((p) => p.path === 'gateway.inspection.intervalSeconds');
  assert.equal(interval?.line, 5);
  const sorted = [...e.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  assert.deepEqual(e.problems, sorted);
  // the thrown error is itself a ConfigError about the first problem
  assert.equal(e.path, e.problems[0].path);
});

test('a device outside every subnet is named with its address', () => {
  const e = problemsOf(BASE + '  - { ip: 10.9.0.1 }\n');
  hasProblem(e, 'devices[1].ip', '10.9.0.1 is outside every gateway.deviceSubnets entry');
  // an IPv6 device is checked against IPv6 subnets only
  const e6 = problemsOf(BASE + '  - { ip: "fd00:129::1" }\n');
  hasProblem(e6, 'devices[1].ip', 'fd00:129::1 is outside every gateway.deviceSubnets entry');
});

test('an unquoted IMSI tells the user to quote it, with the original digits', () => {
  const e = problemsOf(BASE + '  - { imsi: 001010000000002, ip: 10.128.0.2 }\n');
  hasProblem(e, 'devices[1].imsi', 'quote it, imsi: "001010000000002"');
  hasProblem(e, 'devices[1].imsi', 'leading zeros lost');
});

test('missing keys and wrong types are named', () => {
  const e = problemsOf('operator: { name: x }\ngateway: { id: g, deviceSubnets: [] }\ndevices:\n  - { ip: 10.0.0.1, teid: abc }\n');
  hasProblem(e, 'operator.id', 'is required');
  hasProblem(e, 'gateway.deviceSubnets', 'must list at least one entry');
  hasProblem(e, 'devices[0].teid', 'must be a whole number');
  const e2 = problemsOf(BASE.replace('gateway:\n', 'gateway:\n  inspection: { enabled: yes }\n'));
  hasProblem(e2, 'gateway.inspection.enabled', 'must be true or false');
});

test('YAML syntax errors name the line and column', () => {
  const e = problemsOf('operator: { id: o }\ngateway:\n  id: [1, 2\n  x: y\n');
  assert.equal(e.problems[0].path, '');
  assert.ok(e.problems[0].line !== undefined && e.problems[0].line >= 3);
  assert.match(e.problems[0].problem, /YAML syntax error at line \d+, column \d+/);
  const dup = problemsOf('operator: { id: o }\noperator: { id: p }\n');
  assert.match(dup.message, /line 2, column 1: Map keys must be unique/);
});

test('an empty file is explained', () => {
  const e = problemsOf('# nothing\n');
  assert.match(e.message, /the file is empty/);
});

test('loadConfig reports a missing file as a ConfigError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-cfg-'));
  try {
    assert.throws(() => loadConfig(join(dir, 'nope.yaml')), (e: unknown) => e instanceof ConfigError && /cannot read the file/.test(e.message));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, BASE + 'extra: 1\n');
    assert.throws(() => loadConfig(f), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${f}:9:1: extra: unknown key`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseConfigObject checks plain objects the same way', () => {
  const c = parseConfigObject({ operator: { id: 'o' }, gateway: { id: 'g', deviceSubnets: ['10.0.0.0/8'] }, devices: [{ ip: '10.0.0.1' }] }, 'sim');
  assert.equal(c.devices[0].ip, '10.0.0.1');
  assert.throws(
    () => parseConfigObject({ operator: { id: 'o' }, gateway: { id: 'g', deviceSubnets: ['10.0.0.0/8'] }, devices: [{ ip: '11.0.0.1' }] }, 'sim'),
    (e: unknown) => e instanceof ConfigProblems && e.message === 'sim: devices[0].ip: 11.0.0.1 is outside every gateway.deviceSubnets entry (10.0.0.0/8)',
  );
});

test('flowTable bounds and timeouts are checked', () => {
  const e = problemsOf(BASE + 'flowTable: { capacity: 10, timeouts: { udp: 0, tcp: 5 } }\n');
  hasProblem(e, 'flowTable.capacity', 'must be between 1024 and 100000000');
  hasProblem(e, 'flowTable.timeouts.udp', 'must be between 1 and 86400 seconds');
  hasProblem(e, 'flowTable.timeouts.tcp', "unknown key 'tcp'");
});
