// reloadPorts (a one-thread gateway reload of gateway.ports) on a real LiveGateway: a changed network
// TUN is opened and swapped in while the unchanged devices socket stays the same object (not closed and
// reopened); a new TUN that cannot open leaves the running ports as they were; the same TUN name with
// other settings closes and reopens it (and opens the old one again when the new settings fail); a devices change with
// the network TUN dropped moves the gateway from vpg to bump mode. Needs root, /dev/net/tun and the
// native addon (TUN devices and batched UDP).
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Pipeline } from '../../src/pipeline/worker.js';
import { LiveGateway } from '../../src/pipeline/live-gateway.js';
import { openPorts } from '../../src/pipeline/live-ports.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import { portsChanged, reloadPorts } from '../../src/cli/gateway-ports-reload.js';
import type { PortsConfig } from '../../src/control/config/types.js';
import { loadNative, nativeLoadError } from '../../src/io/native/index.js';

function canRun(t: TestContext): boolean {
  const why = typeof process.getuid !== 'function' || process.getuid() !== 0 ? 'needs root (TUN)' : !existsSync('/dev/net/tun') ? 'needs /dev/net/tun' : !loadNative() ? `native addon not built: ${nativeLoadError()}` : '';
  if (why === '') return true;
  if (process.env.CI) assert.fail(`${why} (CI must run this test)`);
  t.skip(why);
  return false;
}

const tag = Math.floor(Math.random() * 1e5).toString(36);
const ports = (udp: number, kind: 'vxlan' | 'geneve', tun: string | null): PortsConfig => ({
  devices: { kind, address: '127.0.0.1', port: udp, replyPort: 0 },
  ...(tun ? { network: { kind: 'tun' as const, name: tun, addresses: [] } } : {}),
  gatewayMac: '02:66:67:00:00:01',
});
const linkExists = (name: string) => existsSync(`/sys/class/net/${name}`);

describe('reloadPorts', () => {
  it('keeps an unchanged devices port, swaps the network TUN, refuses a TUN that cannot open, and changes mode', async (t) => {
    if (!canRun(t)) return;
    const udp = 30000 + Math.floor(Math.random() * 20000);
    const [tunA, tunB] = [`fgrla${tag}`, `fgrlb${tag}`];
    const directory = new DeviceDirectory({ devices: [{ ip: '10.128.0.2', tags: [] }], subnets: ['10.128.0.0/24'] });
    const pipeline = new Pipeline({ operatorId: 'op', gatewayId: 'gw', intervalUs: 60e6, flowCapacity: 1024, devices: directory });
    const a = ports(udp, 'vxlan', tunA);
    const p = openPorts(a);
    const gw = new LiveGateway({ pipeline, devices: p.devices, network: p.network, replyPort: p.replyPort, gatewayMac: p.gatewayMac, directory });
    await gw.start();
    t.after(() => gw.stop());
    assert.equal(gw.mode, 'vpg');
    const devices = gw.devicesPort;
    assert.ok(linkExists(tunA));

    const b = ports(udp, 'vxlan', tunB);
    assert.ok(portsChanged(a, b));
    const line = await reloadPorts(gw, a, b);
    assert.equal(line, `ports reopened: network tun ${tunA} → tun ${tunB} (devices vxlan 127.0.0.1:${udp} kept)`);
    assert.equal(gw.devicesPort, devices, 'the unchanged devices port is the same object: not closed and reopened');
    assert.equal(gw.networkPort?.label, `tun ${tunB}`);
    assert.ok(linkExists(tunB), 'the new TUN is open');
    assert.ok(!linkExists(tunA), 'the old TUN is closed (its device gone)');

    // an interface name longer than 15 bytes: the kernel refuses it; nothing changes
    const bad = ports(udp, 'vxlan', `fg-much-too-long-${tag}`);
    await assert.rejects(reloadPorts(gw, b, bad), /cannot open/);
    assert.equal(gw.networkPort?.label, `tun ${tunB}`, 'the running TUN stays');
    assert.ok(linkExists(tunB));
    assert.equal(gw.devicesPort, devices);

    // the same TUN name with an address added: the running TUN closes first, then opens with it
    const b2: PortsConfig = { ...b, network: { kind: 'tun', name: tunB, addresses: ['10.200.0.1/32'] } };
    assert.equal(await reloadPorts(gw, b, b2), `ports reopened: network tun ${tunB} → tun ${tunB} (devices vxlan 127.0.0.1:${udp} kept)`);
    assert.match(execFileSync('ip', ['-o', 'addr', 'show', 'dev', tunB], { encoding: 'utf8' }), /10\.200\.0\.1\/32/);
    // the same name with an MTU the kernel refuses: closed first, the new one fails, the running one opens again
    const reopened = gw.networkPort;
    const b3: PortsConfig = { ...b, network: { kind: 'tun', name: tunB, addresses: [], mtu: 10 } };
    await assert.rejects(reloadPorts(gw, b2, b3), /cannot configure/);
    assert.ok(linkExists(tunB), 'the running TUN opened again');
    assert.notEqual(gw.networkPort, reopened);
    assert.equal(gw.networkPort?.label, `tun ${tunB}`);
    assert.match(execFileSync('ip', ['-o', 'addr', 'show', 'dev', tunB], { encoding: 'utf8' }), /10\.200\.0\.1\/32/, 'with its settings');
    assert.equal(gw.devicesPort, devices);

    const c = ports(udp + 1, 'geneve', null);
    const line2 = await reloadPorts(gw, b2, c);
    assert.equal(line2, `ports reopened: devices vxlan 127.0.0.1:${udp} → geneve 127.0.0.1:${udp + 1}, network tun ${tunB} → none (mode vpg → bump)`);
    assert.equal(gw.mode, 'bump');
    assert.equal(gw.networkPort, null);
    assert.ok(!linkExists(tunB));
    assert.equal(gw.status().mode, 'bump');
  });
});
