// `segmentation: auto`: UDP GSO only for a peer reached through a physical NIC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoSegmentation, egressLink, systemEgressProbe, type EgressProbe } from '../../../src/actions/mirror/egress-link.js';
import { UdpVxlanTransport } from '../../../src/actions/mirror/udp-vxlan-transport.js';
import { needNative, needTool } from '../../_support/tools.js';

/** A kernel that routes every address out of `dev`, of which `physical` are hardware. */
function probe(dev: string | null, physical: readonly string[]): EgressProbe & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    routeDevice: async (a) => {
      asked.push(a);
      return dev;
    },
    isPhysical: (d) => physical.includes(d),
  };
}

test('a physical NIC: segment; a virtual link or no route answer: do not', async () => {
  assert.equal(await egressLink('192.0.2.9', probe('eth0', ['eth0'])), 'nic');
  assert.equal(await autoSegmentation('192.0.2.9', probe('eth0', ['eth0'])), true);
  for (const dev of ['lo', 'veth-mirror', 'br0', 'eth0.7']) {
    assert.equal(await egressLink('192.0.2.9', probe(dev, ['eth0'])), 'virtual', dev);
    assert.equal(await autoSegmentation('192.0.2.9', probe(dev, ['eth0'])), false, dev);
  }
  assert.equal(await egressLink('192.0.2.9', probe(null, ['eth0'])), 'unknown');
  assert.equal(await autoSegmentation('192.0.2.9', probe(null, ['eth0'])), false);
});

test('the running kernel: a loopback peer is on a virtual link; sysfs names are not paths', async (t) => {
  if (!needTool(t, 'ip')) return;
  assert.equal(await systemEgressProbe.routeDevice('127.0.0.1'), 'lo');
  assert.equal(await egressLink('127.0.0.1'), 'virtual');
  assert.equal(systemEgressProbe.isPhysical('lo'), false);
  assert.equal(systemEgressProbe.isPhysical('../../devices'), false);
  assert.equal(await systemEgressProbe.routeDevice('not-an-address'), null);
});

test('the transport resolves auto once, at open, with the probe it is given', async (t) => {
  if (!needNative(t)) return;
  const nic = probe('eth0', ['eth0']);
  const behindNic = await UdpVxlanTransport.open('127.0.0.1', 9, { segmented: 'auto', egressProbe: nic });
  const onVeth = await UdpVxlanTransport.open('127.0.0.1', 9, { segmented: 'auto', egressProbe: probe('veth0', []) });
  const forced = await UdpVxlanTransport.open('127.0.0.1', 9, { segmented: true, egressProbe: probe('veth0', []) });
  try {
    assert.deepEqual([behindNic.segmented, onVeth.segmented, forced.segmented], [true, false, true]);
    assert.deepEqual(nic.asked, ['127.0.0.1']);
  } finally {
    await Promise.all([behindNic.close(), onVeth.close(), forced.close()]);
  }
});
