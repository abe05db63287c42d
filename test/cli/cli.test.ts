// The `fleetgate` command as a user runs it: usage errors, bad config, truncated captures, sim → flows.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const CLI = resolve('dist/src/cli/main.js');
function fg(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

test('no command prints usage and exits 2; unknown command is named', () => {
  const r = fg();
  assert.equal(r.status, 2);
  assert.match(r.stdout, /usage: fleetgate <command>/);
  const u = fg('frobnicate');
  assert.equal(u.status, 2);
  assert.match(u.stderr, /unknown command 'frobnicate'/);
});

test('bad options give clear usage errors', () => {
  assert.match(fg('replay').stderr, /replay takes one capture file/);
  assert.match(fg('replay', 'x.pcap', '--interval', '5s').stderr, /--interval must be between 10s and 1h/);
  assert.match(fg('replay', 'x.pcap', '--bogus').stderr, /Unknown option '--bogus'/);
  assert.match(fg('sim').stderr, /sim needs --out/);
});

test('a missing capture and a bad config are reported, not thrown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-cli-'));
  try {
    const r = fg('replay', join(dir, 'nope.pcap'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /nope\.pcap/);
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'operator: {id: op}\ngateway: {id: gw, deviceSubnets: [10.0.0.0/8]}\ndevices:\n  - {imsi: "001010000000001", ip: 10.0.0.300}\n');
    const c = fg('replay', join(dir, 'nope.pcap'), '--config', cfg);
    assert.equal(c.status, 1);
    assert.match(c.stderr, /devices\[0\]\.ip/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sim → flows → replay; a truncated capture still reports what came before, then names the offset (one thread and --workers 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-cli-'));
  try {
    const pcap = join(dir, 'f.pcap');
    const cfg = join(dir, 'f.yaml');
    const s = fg('sim', '--devices', '5', '--duration', '2m', '--out', pcap, '--config-out', cfg);
    assert.equal(s.status, 0, s.stderr);
    const flows = fg('flows', pcap, '--config', cfg);
    assert.equal(flows.status, 0, flows.stderr);
    const lines = flows.stdout.trim().split('\n');
    assert.ok(lines.length > 10);
    assert.deepEqual([...lines].sort(), lines, 'flow lines are sorted');
    assert.match(lines[0], /^(TCP|UDP|ICMP)\S* \S+ (<->|->) \S+ pkts \d+\/\d+ bytes \d+\/\d+ device \S+ app \S+\/(dpi|dns-cache|catalog|port)$/);
    assert.equal(fg('flows', pcap, '--config', cfg).stdout, flows.stdout, 'deterministic');

    const out = join(dir, 'r.jsonl');
    const r = fg('replay', pcap, '--config', cfg, '--interval', '30s', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    const full = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(full.length >= 5 * 4);
    assert.ok(full.every((x) => x.imsi && x.operatorId && x.payloads.interval.end - x.payloads.interval.start === 30_000));

    const cut = join(dir, 'cut.pcap');
    const size = statSync(pcap).size;
    writeFileSync(cut, readFileSync(pcap).subarray(0, Math.floor(size * 0.6)));
    const out2 = join(dir, 'r2.jsonl');
    const t = fg('replay', cut, '--config', cfg, '--interval', '30s', '--out', out2);
    assert.equal(t.status, 1);
    assert.match(t.stderr, /byte offset \d+/);
    const partial = readFileSync(out2, 'utf8').trim().split('\n');
    assert.ok(partial.length > 0 && partial.length <= full.length, 'reports for the frames before the cut');
    // sharded: the same reports before the cut, the same error, nothing lost to the streaming
    const out3 = join(dir, 'r3.jsonl');
    const w = fg('replay', cut, '--config', cfg, '--interval', '30s', '--out', out3, '--workers', '2');
    assert.equal(w.status, 1, w.stderr);
    assert.match(w.stderr, /byte offset \d+/);
    const sorted = (ls: string[]) => ls.map((l) => JSON.parse(l)).sort((x, y) => x.timestamp - y.timestamp || (x.recordId < y.recordId ? -1 : 1));
    assert.deepEqual(sorted(readFileSync(out3, 'utf8').trim().split('\n')), sorted(partial));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
