// gateway.outputs in the fleet config: defaults filled in, each sink's options checked, problems named by path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/control/config/load-config.js';
import { problemLines, withGatewaySection } from './_support/problems.js';

const base = (outputs: string) => withGatewaySection('outputs', outputs);

describe('gateway.outputs config', () => {
  it('fills defaults and keeps each kind its own options', () => {
    const c = parseConfig(
      base(
        [
          '    spool: { dir: /var/spool/fg }',
          '    sinks:',
          '      - { name: flows, kind: ipfix, types: [flow], envelope: false, collector: "127.0.0.1:9995" }',
          '      - { name: hook, kind: webhook, url: "https://example.com/in", secret: s, batchSize: 50 }',
        ].join('\n'),
      ),
    );
    assert.deepEqual(c.gateway.outputs, {
      spool: { dir: '/var/spool/fg', limitBytes: 1 << 30, durable: false },
      sinks: [
        { name: 'flows', kind: 'ipfix', types: ['flow'], envelope: false, batchSize: 500, options: { collector: '127.0.0.1:9995' } },
        { name: 'hook', kind: 'webhook', types: ['inspection', 'flow', 'alert', 'anomaly', 'eve'], envelope: true, batchSize: 50, options: { url: 'https://example.com/in', secret: 's' } },
      ],
    });
  });

  it('names the path of every problem', () => {
    const got = problemLines(
      base(
        [
          '    spool: { dir: /x, limitBytes: 10 }',
          '    sinks:',
          '      - { name: a, kind: jsonl, path: /tmp/a.jsonl, rotateBytes: -1 }',
          '      - { name: a, kind: ipfix, collector: "127.0.0.1:99999" }',
          '      - { name: c, kind: prometheus }',
          '      - { name: d, kind: webhook, url: "ftp://x", bogus: 1 }',
          '      - { name: e, kind: smtp, types: [flow, flow] }',
        ].join('\n'),
      ),
    );
    const want = [
      'gateway.outputs.spool.limitBytes',
      'gateway.outputs.sinks[0].rotateBytes: must be an integer in 0..',
      'gateway.outputs.sinks[1].name: duplicates the name of gateway.outputs.sinks[0]',
      "gateway.outputs.sinks[1].collector: '127.0.0.1:99999': port must be 1..65535",
      "gateway.outputs.sinks[2]: needs 'listen' (host:port) or 'textfile' (or both)",
      'gateway.outputs.sinks[3].bogus: unknown option',
      'gateway.outputs.sinks[4].kind',
      'gateway.outputs.sinks[4].types',
    ];
    for (const w of want) assert.ok(got.some((g) => g.startsWith(w)), `missing '${w}' in:\n${got.join('\n')}`);
  });
});
