// gateway.ports in the fleet config: defaults filled in, and every problem named by its path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/control/config/load-config.js';
import { problemLines, withGatewaySection } from './_support/problems.js';

const base = (ports: string) => withGatewaySection('ports', ports);

describe('gateway.ports config', () => {
  it('fills tunnel port defaults (address, well-known port, reply port, gateway MAC)', () => {
    const c = parseConfig(base('    devices: { kind: geneve }\n    network: { kind: tun, name: fg-net }'));
    assert.deepEqual(c.gateway.ports, {
      devices: { kind: 'geneve', address: '0.0.0.0', port: 6081, replyPort: 6081 },
      network: { kind: 'tun', name: 'fg-net', addresses: [] },
      gatewayMac: '02:66:67:00:00:01',
    });
    const g = parseConfig(base('    devices: { kind: gtpu, address: 192.0.2.1, replyPort: 0 }'));
    assert.deepEqual(g.gateway.ports?.devices, { kind: 'gtpu', address: '192.0.2.1', port: 2152, replyPort: 0 });
    const p = parseConfig(base('    devices: { kind: pcap, file: x.pcap }'));
    assert.deepEqual(p.gateway.ports?.devices, { kind: 'pcap', file: 'x.pcap', pace: 'fast' });
  });

  it('names the path of every problem', () => {
    const got = problemLines(
      base(
        [
          '    devices: { kind: vxlan, address: 10.1.2, name: fg0, port: 70000 }',
          '    network: { kind: pcap, file: x.pcap }',
          '    gatewayMac: 02:66:67',
        ].join('\n'),
      ),
    );
    assert.ok(got.some((p) => p.startsWith('gateway.ports.devices.port:')), got.join('\n'));
    assert.ok(got.some((p) => p.startsWith('gateway.ports.devices.address:') && p.includes('not an IPv4 address')), got.join('\n'));
    assert.ok(got.some((p) => p.startsWith('gateway.ports.devices.name:') && p.includes('does not apply to a vxlan port')), got.join('\n'));
    assert.ok(got.some((p) => p.startsWith('gateway.ports.network.kind:') && p.includes('must be a tun port')), got.join('\n'));
    assert.ok(got.some((p) => p.startsWith('gateway.ports.gatewayMac:')), got.join('\n'));
  });

  it('requires the keys a kind needs, and checks TUN addresses', () => {
    const got = problemLines(base("    devices: { kind: tun, addresses: ['10.128.0.1/24', 'nope'] }"));
    assert.ok(got.some((p) => p === "gateway.ports.devices: a tun port needs 'name'"), got.join('\n'));
    assert.ok(got.some((p) => p.startsWith('gateway.ports.devices.addresses[1]:')), got.join('\n'));
    assert.ok(!got.some((p) => p.startsWith('gateway.ports.devices.addresses[0]')), got.join('\n'));
    assert.ok(problemLines(base('    devices: { kind: pcap }')).includes("gateway.ports.devices: a pcap port needs 'file'"));
    assert.deepEqual(problemLines(base('    devices: { kind: tun, name: fg0 }')), []);
  });
});
