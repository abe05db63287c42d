import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRedirectionConfig } from '../../../src/actions/redirect/config.js';
import { CompiledSelector, type SelectContext } from '../../../src/actions/redirect/selector.js';
import { parseAddress } from '../../../src/control/config/cidr.js';

function compile(selector: unknown): CompiledSelector {
  const c = parseRedirectionConfig({ primary: { address: '192.0.2.1', protocol: 'vxlan' }, ...(selector === undefined ? {} : { selector }) });
  return new CompiledSelector(c.selector);
}

function ctx(app: string, group: string, dst: string, dstPort: number): SelectContext {
  const b = parseAddress(dst)!;
  return { app, group, dstBuf: b, dstOff: 0, ipVersion: b.length === 4 ? 4 : 6, dstPort };
}

const FLOWS = {
  webMeter: ctx('HTTP', 'meters', '203.0.113.5', 80),
  tlsMeter: ctx('TLS.aws-iot', 'meters', '198.51.100.7', 8883),
  dnsCam: ctx('DNS', 'cameras', '8.8.8.8', 53),
  webCam6: ctx('HTTP.example', 'cameras', '2001:db8::1', 8080),
  unknown: ctx('Unknown', '', '10.0.0.1', 9999),
};

// [selector, names of the flows it selects]
const TABLE: [unknown, string[]][] = [
  [undefined, ['webMeter', 'tlsMeter', 'dnsCam', 'webCam6', 'unknown']],
  [{ apps: ['http'] }, ['webMeter', 'webCam6']],
  [{ apps: ['aws-iot'] }, ['tlsMeter']],
  [{ apps: ['TLS', 'DNS'] }, ['tlsMeter', 'dnsCam']],
  [{ ports: [80, 8080] }, ['webMeter', 'webCam6']],
  [{ destinations: ['203.0.113.0/24', '2001:db8::/32'] }, ['webMeter', 'webCam6']],
  [{ destinations: ['0.0.0.0/0'] }, ['webMeter', 'tlsMeter', 'dnsCam', 'unknown']],
  [{ groups: ['cameras'] }, ['dnsCam', 'webCam6']],
  [{ apps: ['HTTP'], groups: ['cameras'] }, ['webCam6']],
  [{ apps: ['HTTP'], ports: [80], groups: ['meters'], destinations: ['203.0.113.0/28'] }, ['webMeter']],
  [{ apps: ['HTTP'], ports: [443] }, []],
];

test('selector table: no key = all; several keys = all must match; any entry within a list', () => {
  for (const [sel, want] of TABLE) {
    const s = compile(sel);
    const got = Object.entries(FLOWS).filter(([, c]) => s.select(c)).map(([n]) => n);
    assert.deepEqual(got, want, `selector ${JSON.stringify(sel)}`);
  }
});

test('app decisions are cached per label and stay correct', () => {
  const s = compile({ apps: ['HTTP'] });
  for (let i = 0; i < 3; i++) {
    assert.equal(s.select(FLOWS.webMeter), true);
    assert.equal(s.select(FLOWS.dnsCam), false);
  }
  assert.equal(s.matchesAll, false);
  assert.equal(compile(undefined).matchesAll, true);
});
