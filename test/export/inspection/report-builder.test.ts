import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInspectionReport } from '../../../src/export/inspection/report-builder.js';
import { DeviceInterval } from '../../../src/export/inspection/interval-accumulator.js';

const ctx = { operatorId: 'op', gatewayId: 'gw' };
const dev = { ip: '10.0.0.2', registered: true };

/** A device interval with destinations of the given (address, port, protocol, up, down) in that order. */
function interval(dests: [string, number, string, number, number][]): DeviceInterval {
  const acc = new DeviceInterval();
  for (const [address, port, protocol, up, down] of dests) {
    acc.destinations.set(`${protocol}|${address}|${port}`, { address, port, protocol, uplinkBytes: up, downlinkBytes: down, packets: 1 });
    acc.uplink.packets++;
  }
  return acc;
}

test('top destinations: the first n of all destinations ordered by bytes, then address, then port, ties kept in order', () => {
  // 300 destinations with many equal byte counts (a scanning device), in a scrambled order
  const dests: [string, number, string, number, number][] = [];
  for (let i = 0; i < 300; i++) {
    const k = (i * 7919) % 300;
    dests.push([`198.18.${k % 5}.${k % 11}`, 23 + (k % 3), k % 4 === 0 ? 'UDP' : 'TCP', 40 * (k % 6), 40 * (k % 2)]);
  }
  // equal bytes, address and port under two protocols: the one seen first stays first
  dests.push(['203.0.113.9', 53, 'UDP', 5000, 0], ['203.0.113.9', 53, 'TCP', 5000, 0]);
  const acc = interval(dests);
  const all = [...acc.destinations.values()];
  const want = all
    .map((d, seen) => ({ d, seen }))
    .sort((a, b) => b.d.uplinkBytes + b.d.downlinkBytes - (a.d.uplinkBytes + a.d.downlinkBytes) || (a.d.address < b.d.address ? -1 : a.d.address > b.d.address ? 1 : 0) || a.d.port - b.d.port || a.seen - b.seen)
    .map(({ d }) => `${d.protocol}|${d.address}|${d.port}|${d.uplinkBytes + d.downlinkBytes}`);
  for (const n of [0, 1, 2, 10, 50, 400]) {
    const r = buildInspectionReport(ctx, dev, 0, 60e6, acc, n);
    const got = r.payloads.destinations.map((d) => `${d.protocol}|${d.address}|${d.port}|${d.bytes}`);
    assert.deepEqual(got, want.slice(0, n), `top ${n}`);
  }
  const r = buildInspectionReport(ctx, dev, 0, 60e6, acc, 2);
  assert.deepEqual(r.payloads.destinations.map((d) => d.protocol), ['UDP', 'TCP']);
});
