// End to end, `fleetgate gateway` as a loopback bump in the wire (VXLAN port on 127.0.0.1) re-reads its
// config when the FILE changes (--watch-config, the default; no SIGHUP here), on one thread and with
// --workers 2, and applies outputs changes on the reload:
//
//   test (UDP socket) ── VXLAN ──► fleetgate VXLAN port ──► back to the test, as it came
//                                         └── mirror copies (VXLAN VNI 99, once the file adds the peer)
//
// Steps, 20 packets after each: (1) config with one JSONL output `archive`; (2) an editor-style save
// (new file renamed over the config) adds a mirror peer and a second JSONL output `extra` → one reload,
// `outputs 1 kept, 1 added`, every packet mirrored; (3) an in-place write adds a device → one reload;
// (4) an in-place write with an invalid VNI → refused with its path, the running config (mirror peer)
// stays. At the end: one flow through everything, `archive` (kept) and `extra` (added) both hold the
// records emitted after the reload, and no reload ran twice for one save.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICE_IMSI, canRunLab, settle, tempDir } from './_support/lab-traffic.js';
import { deviceLines, loopbackFleetHead, mirrorPeerLines, startLoopbackGateway } from './_support/loopback-gateway.js';
import { stoppedSummary } from './_support/junction-lab.js';
import { bindLoopback, waitFor } from '../_support/loopback-vxlan.js';
import { needNative } from '../_support/tools.js';

const PER_PHASE = 20;

interface Step {
  mirror: 'none' | 'peer' | 'invalid';
  extraOutput: boolean;
  secondDevice: boolean;
}

function fleetText(dir: string, gwPort: number, mirrorPort: number, s: Step): string {
  const lines = [
    ...loopbackFleetHead(gwPort),
    '  outputs:',
    `    spool: { dir: ${join(dir, 'spool')} }`,
    '    sinks:',
    `      - { name: archive, kind: jsonl, types: [inspection, flow], path: ${join(dir, 'archive.jsonl')} }`,
  ];
  if (s.extraOutput) lines.push(`      - { name: extra, kind: jsonl, types: [inspection, flow], path: ${join(dir, 'extra.jsonl')} }`);
  if (s.mirror !== 'none') lines.push(...mirrorPeerLines(mirrorPort, s.mirror === 'peer'));
  lines.push(...deviceLines());
  if (s.secondDevice) lines.push('  - { imsi: "001010000000099", ip: 10.128.0.99, name: meter-2 }');
  return lines.join('\n') + '\n';
}

const records = (path: string) =>
  readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { type: string; record: Record<string, unknown> });

async function scenario(t: TestContext, workers: number): Promise<void> {
  const base = 20000 + Math.floor(Math.random() * 30000);
  const GW_PORT = base;
  const MIRROR_PORT = base + 1;
  const dir = tempDir(t);
  const fleet = join(dir, 'fleet.yaml');
  const write = (s: Step, how: 'rename' | 'in-place') => {
    const text = fleetText(dir, GW_PORT, MIRROR_PORT, s);
    if (how === 'in-place') writeFileSync(fleet, text);
    else {
      writeFileSync(join(dir, '.fleet.yaml.tmp'), text);
      renameSync(join(dir, '.fleet.yaml.tmp'), fleet);
    }
  };
  write({ mirror: 'none', extraOutput: false, secondDevice: false }, 'in-place');

  const mirror = createSocket('udp4');
  t.after(() => mirror.close());
  let copies = 0;
  mirror.on('message', () => copies++);
  await bindLoopback(mirror, MIRROR_PORT);
  const { gw, back, phase: send } = await startLoopbackGateway(t, fleet, dir, GW_PORT, workers > 1 ? ['--workers', String(workers)] : []);
  const phase = () => send(PER_PHASE);
  const reloads = () => gw.out.split('\n').filter((l) => /fleetgate gateway: reload(ed| refused)/.test(l));

  await phase();
  await settle(200);
  assert.equal(copies, 0, 'no mirroring yet');

  const t0 = Date.now();
  write({ mirror: 'peer', extraOutput: true, secondDevice: false }, 'rename');
  await gw.waitFor(/reloaded .*1 device\(s\); mirror peers 0 kept, 1 added, 0 removed; redirection \w+; outputs 1 kept, 1 added, 0 replaced, 0 removed/, 'the reload after the rename');
  t.diagnostic(`workers ${workers}: rename-over save → reload line after ${Date.now() - t0} ms`);
  await phase();
  await waitFor(() => copies >= PER_PHASE, () => `${PER_PHASE} mirror copies (got ${copies})`, 5000);

  const t1 = Date.now();
  write({ mirror: 'peer', extraOutput: true, secondDevice: true }, 'in-place');
  await gw.waitFor(/reloaded .*2 device\(s\); mirror peers 1 kept, 0 added, 0 removed; redirection \w+; outputs 2 kept, 0 added/, 'the reload after the in-place write');
  t.diagnostic(`workers ${workers}: in-place write → reload line after ${Date.now() - t1} ms`);

  write({ mirror: 'invalid', extraOutput: true, secondDevice: true }, 'in-place');
  await gw.waitFor(/reload refused/, 'the refusal');
  assert.match(gw.out, /reload refused, the running config stays: .*fleet\.yaml:\d+:\d+: gateway\.junction\.mirroring\.peers\[0\]\.vni/);
  await phase();
  await waitFor(() => copies >= 2 * PER_PHASE, () => `${2 * PER_PHASE} mirror copies (got ${copies})`, 5000);
  await settle(600); // a second reload for the same bytes would show up by now

  assert.equal(await gw.stop('SIGTERM'), 0, gw.out);
  assert.equal(reloads().length, 3, `one reload per change, none twice:\n${reloads().join('\n')}`);
  assert.equal(back(), 3 * PER_PHASE, 'every datagram came back: the port was never restarted');
  assert.equal(copies, 2 * PER_PHASE, 'the invalid file left the mirror peer running');
  const sum = stoppedSummary(gw.out) as { flows: number };
  assert.equal(sum.flows, 1, 'the flow lived through the reloads');

  // the kept output and the added one both got the records emitted after the reload (reports and the
  // flow are written when the gateway stops)
  for (const name of ['archive', 'extra']) {
    const r = records(join(dir, `${name}.jsonl`));
    const up = r.filter((x) => x.type === 'inspection' && x.record.imsi === DEVICE_IMSI).reduce((n, x) => n + (x.record.payloads as { uplink: { packets: number } }).uplink.packets, 0);
    t.diagnostic(`workers ${workers}: output ${name}: ${r.length} records (${r.map((x) => x.type).join(', ')})`);
    assert.equal(up, 3 * PER_PHASE, `${name}: the reports count every packet`);
    assert.equal(r.filter((x) => x.type === 'flow').length, 1, `${name}: the flow record`);
    assert.match(gw.out, new RegExp(`output ${name}: queued \\d+, sent ${r.length},`), `${name}: its counters`);
  }
}

describe('e2e: gateway re-reads its config file when it changes (loopback bump in the wire)', { timeout: 90_000 }, () => {
  it('one thread: rename and in-place writes reload; outputs change on the reload; an invalid file is refused', async (t) => {
    if (!canRunLab(t)) return;
    await scenario(t, 1);
  });

  it('--workers 2: the same, the main thread applying outputs and relaying the config', async (t) => {
    if (!canRunLab(t)) return;
    if (!needNative(t)) return;
    await scenario(t, 2);
  });
});
