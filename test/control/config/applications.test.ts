import test from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/control/config/index.js';
import { AppCatalog } from '../../../src/classify/catalog/index.js';
import { hasProblem, problemsOf } from './_support/problems.js';

const BASE = `operator: { id: op-acme }
gateway: { id: gw-1, deviceSubnets: [10.128.0.0/16] }
`;



test('no applications: an empty list', () => {
  assert.deepEqual(parseConfig(BASE).applications, []);
});

test('custom applications are normalized', () => {
  const c = parseConfig(`${BASE}applications:
  - name: acme-backend
    category: iot-cloud
    hosts: ["*.telemetry.acme.example", " API.acme.example "]
    ips: [203.0.113.10, "2001:DB8::0001"]
    cidrs: ["2001:db8:abcd::/48"]
    ports: [{ proto: tcp, port: 8883 }]
  - { name: acme-udp, ports: [5684, 5685], protocol: udp }
  - { name: acme-any, ports: [9000] }
`);
  assert.deepEqual(c.applications, [
    {
      name: 'acme-backend',
      category: 'iot-cloud',
      hosts: ['*.telemetry.acme.example', 'API.acme.example'],
      ips: ['203.0.113.10', '2001:db8::1'],
      cidrs: ['2001:db8:abcd::/48'],
      ports: [{ proto: 'tcp', port: 8883 }],
    },
    { name: 'acme-udp', category: 'custom', hosts: [], ips: [], cidrs: [], ports: [{ proto: 'udp', port: 5684 }, { proto: 'udp', port: 5685 }] },
    { name: 'acme-any', category: 'custom', hosts: [], ips: [], cidrs: [], ports: [{ proto: 'tcp', port: 9000 }, { proto: 'udp', port: 9000 }] },
  ]);
  const cat = AppCatalog.builtin().withCustom(c.applications);
  assert.deepEqual(cat.byHost('dev-1.telemetry.acme.example'), { app: 'acme-backend', category: 'iot-cloud', source: 'custom', by: 'host' });
  assert.equal(cat.byPort('udp', 5685)?.app, 'acme-udp');
  assert.equal(cat.byPort('tcp', 5685), null);
  assert.equal(cat.byPort('tcp', 9000)?.app, 'acme-any');
  assert.equal(cat.byAddress(new Uint8Array([203, 0, 113, 10]), 0, 4)?.app, 'acme-backend');
});

test('bad custom applications are reported with their paths', () => {
  const e = problemsOf(`${BASE}applications:
  - name: ok
    hosts: [a.example]
  - name: bad.name
    category: streaming
    hosts: ["a*.example", a.example]
    ips: [10.0.0.300]
    cidrs: [10.9.0.1/8]
    ports: [0, { proto: sctp, port: 5 }, "x"]
    protocol: udp
  - { name: empty }
  - { name: OK, hostz: [b.example] }
  - { name: proto-only, hosts: [c.example], protocol: tcp }
`);
  hasProblem(e, 'applications[1].name', "letters, digits, '_' or '-'");
  hasProblem(e, 'applications[1].category', 'must be one of: iot-cloud');
  hasProblem(e, 'applications[1].hosts[0]', 'whole label');
  hasProblem(e, 'applications[1].hosts[1]', 'already listed by applications[0] (ok)');
  hasProblem(e, 'applications[1].ips[0]', 'not an IPv4 or IPv6 address');
  hasProblem(e, 'applications[1].cidrs[0]', 'did you mean 10.0.0.0/8');
  hasProblem(e, 'applications[1].ports[0]', 'from 1 to 65535');
  hasProblem(e, 'applications[1].ports[1].proto', 'tcp or udp');
  hasProblem(e, 'applications[1].ports[2]', 'port number, or a mapping');
  hasProblem(e, 'applications[2]', 'at least one of hosts');
  hasProblem(e, 'applications[3].hostz', "unknown key 'hostz'");
  hasProblem(e, 'applications[3].name', 'duplicates the name of applications[0]');
  hasProblem(e, 'applications[4].protocol', 'plain port numbers');
  // one message per problem (the schema and the value checks do not repeat each other)
  assert.equal(e.problems.filter((p) => p.path === 'applications[1].name').length, 1);
  assert.equal(e.problems.filter((p) => p.path === 'applications[1].category').length, 1);
  assert.match(e.message, /^fleet\.yaml:\d+:\d+: applications\[1\]\.name: /m);
});

test('a port claimed by two custom applications is an error', () => {
  const e = problemsOf(`${BASE}applications:
  - { name: a, ports: [9000] }
  - { name: b, ports: [{ proto: udp, port: 9000 }] }
`);
  hasProblem(e, 'applications[1].ports[0]', 'udp/9000 is already listed by applications[0] (a)');
});
