import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRedirectionConfig } from '../../../src/actions/redirect/config.js';
import { ConfigProblems } from '../../../src/control/config/config-errors.js';

function problems(raw: unknown): string[] {
  try {
    parseRedirectionConfig(raw);
  } catch (e) {
    assert.ok(e instanceof ConfigProblems, `expected ConfigProblems, got ${String(e)}`);
    return e.problems.map((p) => `${p.path}: ${p.problem}`);
  }
  assert.fail('expected the config to be rejected');
}

test('minimal config gets Gate-style defaults', () => {
  const c = parseRedirectionConfig({ primary: { address: '192.0.2.10', protocol: 'vxlan' } });
  assert.equal(c.enabled, true);
  assert.equal(c.primary.vni, 10);
  assert.equal(c.primary.port, 4789);
  assert.equal(c.primary.payload, 'ethernet');
  assert.equal(c.localPort, 4789);
  assert.deepEqual(c.probe, { intervalMs: 500, threshold: 3 });
  assert.equal(c.failback, 'new-flows');
  assert.equal(c.standby, undefined);
  assert.equal(c.selector, undefined);
});

test('full config: geneve standby with GWLB metadata, selector, probes', () => {
  const c = parseRedirectionConfig({
    enabled: true,
    localAddress: '10.128.255.254',
    primary: { address: '192.0.2.10', protocol: 'vxlan', vni: 77, innerAddress: '10.128.255.1', innerMac: '02:aa:bb:cc:dd:ee' },
    standby: { address: '192.0.2.11', protocol: 'geneve', innerAddress: '10.128.255.2', gwlb: { endpointId: '0011223344556677', attachmentId: '8899aabbccddeeff' } },
    selector: { apps: ['HTTP'], ports: [80, 8080], destinations: ['203.0.113.0/24', 'fd00::/8'], groups: ['meters'] },
    probe: { intervalMs: 200, threshold: 2 },
    failback: 'all-flows',
  });
  assert.equal(c.primary.vni, 77);
  assert.deepEqual([...c.primary.innerMac!], [0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee]);
  assert.equal(c.standby?.port, 6081);
  assert.equal(c.standby?.payload, 'ip', 'GWLB peers take bare IP');
  assert.equal(c.standby?.gwlb?.attachmentId[7], 0xff);
  assert.deepEqual(c.selector?.destinations?.map((d) => d.text), ['203.0.113.0/24', 'fd00::/8']);
  assert.deepEqual(c.selector?.ports, [80, 8080]);
  assert.deepEqual(c.probe, { intervalMs: 200, threshold: 2 });
  assert.equal(c.failback, 'all-flows');
});

test('every problem is reported, each naming its field', () => {
  const list = problems({
    primary: { address: '192.0.2.300', protocol: 'gre', vni: 0 },
    standby: { address: '192.0.2.11', protocol: 'vxlan', vni: 16777216, innerAddress: 'x', gwlb: { endpointId: '00', attachmentId: '00' } },
    selector: { ports: [0, 80], destinations: ['10.0.0.1/8'], apps: [] },
    probe: { intervalMs: 10, threshold: 11 },
    failback: 'sometimes',
    extra: 1,
  });
  const want = [
    'gateway.junction.redirection.extra: unknown key',
    'gateway.junction.redirection.primary.address: must be an IPv4 address',
    "gateway.junction.redirection.primary.protocol: must be 'vxlan' or 'geneve'",
    'gateway.junction.redirection.primary.vni: must be an integer from 1 to 16777215 (got 0)',
    'gateway.junction.redirection.standby.vni: must be an integer from 1 to 16777215 (got 16777216)',
    'gateway.junction.redirection.standby.innerAddress: must be an IPv4 address',
    'gateway.junction.redirection.standby.gwlb: GWLB metadata needs protocol: geneve',
    'gateway.junction.redirection.standby.gwlb.endpointId: must be 8 bytes',
    'gateway.junction.redirection.selector.apps: must be a non-empty list',
    'gateway.junction.redirection.selector.ports[0]: must be a port number from 1 to 65535',
    "gateway.junction.redirection.selector.destinations[0]: '10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?",
    'gateway.junction.redirection.probe.intervalMs: must be a number of milliseconds from 50 to 60000 (got 10)',
    'gateway.junction.redirection.probe.threshold: must be an integer from 1 to 10 (got 11)',
    'gateway.junction.redirection.localAddress: is required when a peer has innerAddress',
    "gateway.junction.redirection.failback: must be 'new-flows' or 'all-flows'",
  ];
  for (const w of want) assert.ok(list.some((l) => l.startsWith(w)), `missing problem: ${w}\n got:\n${list.join('\n')}`);
});

test('missing primary, wrong shapes and a custom path', () => {
  assert.ok(problems({})[0].startsWith('gateway.junction.redirection.primary: is required'));
  assert.ok(problems('yes')[0].startsWith('gateway.junction.redirection: must be a mapping'));
  assert.ok(problems({ primary: { address: '192.0.2.1', protocol: 'vxlan', payload: 'ip' } })[0].includes("VXLAN always carries Ethernet"));
  assert.ok(problems({ primary: { address: '192.0.2.1', protocol: 'vxlan' }, selector: {} })[0].includes('remove it to redirect all traffic'));
  try {
    parseRedirectionConfig({ primary: 3 }, 'redir');
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof ConfigProblems);
    assert.equal(e.problems[0].path, 'redir.primary');
    assert.equal(e.code, 'FG_ERR_CONFIG');
  }
});

test('GENEVE options: hex data, size limits', () => {
  const c = parseRedirectionConfig({ primary: { address: '192.0.2.1', protocol: 'geneve', geneveOptions: [{ class: 0xff01, type: 5, data: '0xdeadbeef' }] } });
  assert.deepEqual(c.primary.geneveOptions, [{ class: 0xff01, type: 5, data: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) }]);
  assert.equal(c.primary.payload, 'ethernet');
  const list = problems({ primary: { address: '192.0.2.1', protocol: 'geneve', geneveOptions: [{ class: 1, type: 1, data: 'abc' }] } });
  assert.ok(list[0].includes('geneveOptions[0].data: must be hex'), list.join('\n'));
});
