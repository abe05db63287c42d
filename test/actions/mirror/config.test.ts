import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../../src/core/errors.js';
import { MIRROR_DEFAULTS, parseMirroringConfig } from '../../../src/actions/mirror/config.js';
import { MirrorSet } from '../../../src/actions/mirror/mirror-set.js';

const YAML = `
gateway:
  junction:
    mirroring:
      peers:
        - address: 192.0.2.50
          protocol: gre
          key: 1001
          sequence: true
          truncate: 128
        - ipAddress: "2001:DB8::10"
          protocol: vxlan
          vni: 4242
          filter:
            rules:
              - { number: 100, action: reject, app: DNS }
              - { number: 200, action: accept, direction: uplink, protocol: tcp, destinationPorts: 8883 }
        - address: 198.51.100.9
          protocol: vxlan
          enabled: false
          filter: { rules: [] }
      queue: { slots: 64, slotBytes: 1600 }
`;

test('parses the documented YAML shape, fills defaults, canonicalises addresses', () => {
  const raw = parseYaml(YAML) as { gateway: { junction: { mirroring: unknown } } };
  const cfg = parseMirroringConfig(raw.gateway.junction.mirroring);
  assert.equal(cfg.peers.length, 3);
  const [gre, vx, off] = cfg.peers;
  assert.deepEqual(
    { address: gre.address, protocol: gre.protocol, key: gre.key, sequence: gre.sequence, truncate: gre.truncate, enabled: gre.enabled, filter: gre.filter },
    { address: '192.0.2.50', protocol: 'gre', key: 1001, sequence: true, truncate: 128, enabled: true, filter: undefined },
  );
  assert.equal(vx.address, '2001:db8::10');
  assert.equal(vx.vni, 4242);
  assert.equal(vx.port, MIRROR_DEFAULTS.port);
  assert.equal(vx.filter?.length, 2);
  assert.equal(off.enabled, false);
  assert.deepEqual(off.filter, []);
  assert.deepEqual(cfg.queue, { slots: 64, slotBytes: 1600 });
  const set = new MirrorSet(cfg);
  assert.equal(set.peers[0].hdrLen, 12); // GRE base + key + sequence
  assert.equal(set.peers[0].maxInner, 128);
  assert.equal(set.peers[1].maxInner, 1600 - 8);
  assert.equal(set.active, true);
});

test('absent mirroring = no peers; defaults for the queue', () => {
  const cfg = parseMirroringConfig(undefined);
  assert.deepEqual(cfg, { peers: [], queue: { slots: MIRROR_DEFAULTS.slots, slotBytes: MIRROR_DEFAULTS.slotBytes } });
  assert.equal(new MirrorSet(cfg).active, false);
});

function problems(raw: unknown): string[] {
  try {
    parseMirroringConfig(raw);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return (e as unknown as { problems: { path: string; problem: string }[] }).problems.map((p) => `${p.path}: ${p.problem}`);
  }
  assert.fail('expected a ConfigError');
}

test('every peer problem is reported with its path', () => {
  const ps = problems({
    peers: [
      { address: '2001:db8::1', protocol: 'gre' },
      { address: '192.0.2.1', protocol: 'vxlan', key: 5, vni: 1 << 24 },
      { address: 'peer.example', protocol: 'erspan' },
      { protocol: 'gre', truncate: 10, sequence: 'yes' },
      { address: '192.0.2.2', protocol: 'gre', port: 4789, filter: { rules: [{ number: 1, action: 'maybe' }] } },
      { address: '192.0.2.3', protocol: 'gre' },
      { address: '192.0.2.3', protocol: 'gre' },
      { address: '192.0.2.4', protocol: 'gre', segmentation: true },
      { address: '192.0.2.5', protocol: 'vxlan', segmentation: 'on' },
    ],
    queue: { slots: 0 },
  });
  const P = 'gateway.junction.mirroring';
  const expect = [
    `${P}.peers[0].address: GRE peers must be IPv4`,
    `${P}.peers[1].key: a key is for gre peers only`,
    `${P}.peers[1].vni: must be an integer from 0 to 16777215`,
    `${P}.peers[2].address: must be an IPv4 or IPv6 address`,
    `${P}.peers[2].protocol: must be 'gre' or 'vxlan'`,
    `${P}.peers[3].address: is required`,
    `${P}.peers[3].sequence: must be true or false`,
    `${P}.peers[3].truncate: must be an integer from 64 to 65535`,
    `${P}.peers[4].port: a UDP port is for vxlan peers only`,
    `${P}.peers[4].filter.rules[0].action: rule 1: must be 'accept' or 'reject'`,
    `${P}.peers[6].address: 192.0.2.3 (gre) is already peers[5]`,
    `${P}.peers[7].segmentation: UDP segmentation is for vxlan peers only`,
    `${P}.peers[8].segmentation: must be true, false or auto`,
    `${P}.queue.slots: must be an integer from 1 to`,
  ];
  for (const e of expect) assert.ok(ps.some((p) => p.startsWith(e)), `missing '${e}' in:\n${ps.join('\n')}`);
  assert.equal(ps.length, expect.length, ps.join('\n'));
});

test('both address and ipAddress, unknown keys, oversized queue', () => {
  const ps = problems({ peers: [{ address: '192.0.2.1', ipAddress: '192.0.2.1', protocol: 'gre', colour: 1 }], queue: { slots: 1 << 20, slotBytes: 65507 } });
  assert.ok(ps.some((p) => p.includes('give either address or ipAddress')));
  assert.ok(ps.some((p) => p.includes("unknown key 'colour'")));
  assert.ok(ps.some((p) => p.includes('slots x slotBytes')));
});

test('segmentation (UDP GSO): auto by default for vxlan peers, as written when given; never for gre', () => {
  const m = parseMirroringConfig({
    peers: [
      { address: '192.0.2.60', protocol: 'vxlan' },
      { address: '192.0.2.61', protocol: 'vxlan', segmentation: true },
      { address: '192.0.2.62', protocol: 'vxlan', segmentation: false },
      { address: '192.0.2.63', protocol: 'vxlan', segmentation: 'auto' },
      { address: '192.0.2.64', protocol: 'gre' },
      { address: '192.0.2.65', protocol: 'gre', segmentation: 'auto' },
      { address: '192.0.2.66', protocol: 'gre', segmentation: false },
    ],
  });
  assert.deepEqual(m.peers.map((p) => p.segmentation), ['auto', true, false, 'auto', false, false, false]);
});
