// gateway.junction in the fleet config: mirroring and redirection are validated by the actions' own
// parsers (defaults filled in) and every problem is named by its full path, with its line.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/control/config/load-config.js';
import { ConfigProblems } from '../../../src/control/config/config-errors.js';

const base = (junction: string) => `operator: { id: op }\ngateway:\n  id: gw\n  deviceSubnets: [10.128.0.0/24]\n  junction:\n${junction}\n`;

function problems(text: string): { at: string; line?: number }[] {
  try {
    parseConfig(text, 'f.yaml');
  } catch (e) {
    if (e instanceof ConfigProblems) return e.problems.map((p) => ({ at: `${p.path}: ${p.problem}`, line: p.line }));
    throw e;
  }
  return [];
}

describe('gateway.junction config', () => {
  it('fills the defaults of mirroring and redirection', () => {
    const c = parseConfig(
      base(
        [
          '    mirroring:',
          '      peers: [{ address: 192.0.2.9, protocol: gre, key: 7 }, { address: 192.0.2.9, protocol: vxlan, truncate: 128 }]',
          '    redirection:',
          '      primary: { address: 192.0.2.10, protocol: vxlan }',
        ].join('\n'),
      ),
    );
    const m = c.gateway.junction?.mirroring;
    assert.equal(m?.peers.length, 2);
    assert.deepEqual(m?.queue, { slots: 1024, slotBytes: 2048 });
    assert.equal(m?.peers[0].key, 7);
    assert.equal(m?.peers[1].port, 4789);
    assert.equal(m?.peers[1].truncate, 128);
    const r = c.gateway.junction?.redirection;
    assert.equal(r?.enabled, true);
    assert.equal(r?.primary.vni, 10);
    assert.equal(r?.primary.port, 4789);
    assert.deepEqual(r?.probe, { intervalMs: 500, threshold: 3 });
    assert.equal(r?.failback, 'new-flows');
  });

  it('no junction section: nothing', () => {
    const c = parseConfig('operator: { id: op }\ngateway: { id: gw, deviceSubnets: [10.128.0.0/24] }\n');
    assert.equal(c.gateway.junction, undefined);
  });

  it('names the path (and line) of every problem', () => {
    const got = problems(
      base(
        [
          '    mirroring:',
          '      peers:',
          '        - { address: 192.0.2.9, protocol: gre }',
          '        - { address: 192.0.2.9, protocol: vxlan, vni: 16777216 }',
          '    redirection:',
          '      primary: { address: 192.0.2.10, protocol: vxlan, vni: 0 }',
        ].join('\n'),
      ),
    );
    const text = got.map((g) => g.at);
    assert.ok(text.some((t) => t.startsWith('gateway.junction.mirroring.peers[1].vni: must be an integer from 0 to 16777215')), text.join('\n'));
    assert.ok(text.some((t) => t.startsWith('gateway.junction.redirection.primary.vni: ')), text.join('\n'));
    const vni = got.find((g) => g.at.startsWith('gateway.junction.mirroring.peers[1].vni'));
    assert.equal(vni?.line, 9, 'located on its line in the file');
  });

  it('rejects unknown junction sections', () => {
    const text = problems(base('    inspection: {}')).map((g) => g.at);
    assert.equal(text.length, 1);
    assert.match(text[0], /^gateway\.junction\.inspection: /);
  });
});
