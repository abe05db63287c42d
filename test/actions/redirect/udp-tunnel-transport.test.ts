// Loopback failover: two UDP sockets act as primary and standby peers; the primary goes silent; the
// switch must come within 1.5 s (default probes 500 ms x 3) and every packet sent after it must reach
// the standby. Over both transport sockets: dgram and the batched native one (the gateway's whenever
// the addon loads); returned datagrams reach onReturned, each batch of them onReturnedBatch.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { PacketView } from '../../../src/core/packet-view.js';
import { LinkType } from '../../../src/core/layers.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { buildFrame } from '../../../src/packet/build/compose.js';
import { parseRedirectionConfig } from '../../../src/actions/redirect/config.js';
import { Redirector } from '../../../src/actions/redirect/redirector.js';
import { UdpTunnelTransport } from '../../../src/actions/redirect/udp-tunnel-transport.js';
import { EchoPeer } from './_support/echo-peer.js';
import { loadNative } from '../../../src/io/native/index.js';
import { needNative } from '../../_support/tools.js';

const FLOWS = 4;
const SEQ_OFF = 14 + 20 + 20; // payload offset in the built frames

function frame(flow: number): Uint8Array {
  return buildFrame({ ip: { src: '10.128.0.2', dst: '203.0.113.10' }, tcp: { sport: 30000 + flow, dport: 80 }, payload: 'seq:00000000' });
}

/** The packet sequence number carried in a datagram's inner TCP payload (VXLAN + Ethernet + IPv4 + TCP). */
function seqOf(d: Uint8Array): number {
  return Number(new TextDecoder().decode(d.subarray(8 + SEQ_OFF + 4, 8 + SEQ_OFF + 12)));
}

test('dgram socket: primary stops answering → traffic moves to the standby within 1.5 s, nothing lost after the switch', async (t) => {
  await failover(t, false);
});

test('native batched socket: the same', async (t) => {
  if (!needNative(t)) return;
  await failover(t, true);
});

async function failover(t: TestContext, native: boolean): Promise<void> {
  const primary = new EchoPeer();
  const standby = new EchoPeer();
  const [pPort, sPort] = [await primary.start(), await standby.start()];
  const cfg = parseRedirectionConfig({
    localAddress: '10.128.255.254',
    localPort: 0,
    primary: { address: '127.0.0.1', port: pPort, protocol: 'vxlan', innerAddress: '10.128.255.1' },
    standby: { address: '127.0.0.1', port: sPort, protocol: 'vxlan', innerAddress: '10.128.255.2' },
  });
  let returned = 0;
  let batches = 0;
  let returnedAtLastBatch = 0;
  const r = new Redirector(cfg, {
    flowCapacity: 16,
    onReturned: () => returned++,
    onReturnedBatch: () => {
      batches++;
      returnedAtLastBatch = returned;
    },
  });
  const addon = native ? loadNative() : null;
  const tr = new UdpTunnelTransport(r, { bindAddress: '127.0.0.1', ...(addon ? { native: { addon } } : {}) });
  await tr.start();
  assert.ok(tr.localPort() > 0);
  const frames = Array.from({ length: FLOWS }, (_, i) => frame(i));
  const p = new PacketView();
  let seq = 0;
  let switchAt = -1;
  let stopAt = -1;
  let firstSeqAfterSwitch = -1;
  try {
    const send = () => {
      const f = frames[seq % FLOWS];
      new TextEncoder().encodeInto(`seq:${String(seq).padStart(8, '0')}`, f.subarray(SEQ_OFF));
      decodeFrame(p, f, 0, f.length, f.length, 0, LinkType.ETHERNET);
      assert.ok(r.redirect(p, seq % FLOWS));
      tr.flush();
      seq++;
    };
    // steady state: every flow through the primary
    const t0 = performance.now();
    while (performance.now() - t0 < 700) {
      send();
      await sleep(10);
    }
    assert.equal(r.active(), 0);
    assert.equal(r.status().peers[0].state, 'up');
    assert.equal(r.status().peers[1].state, 'up');
    // fail the primary ~200 ms after its last probe reply (the detection clock starts at the last reply)
    while (performance.now() - primary.lastProbeReplyAt < 200) await sleep(5);
    primary.up = false;
    stopAt = performance.now();
    while (performance.now() - stopAt < 2500) {
      if (switchAt < 0 && r.active() === 1) {
        switchAt = performance.now();
        firstSeqAfterSwitch = seq;
      }
      send();
      await sleep(10);
    }
    await sleep(100);
  } finally {
    await tr.stop();
    await primary.stop();
    await standby.stop();
  }
  const switchMs = switchAt - stopAt;
  const lastPrimary = primary.data[primary.data.length - 1].at;
  const firstStandby = standby.data[0].at;
  const gapMs = firstStandby - lastPrimary;
  t.diagnostic(`${native ? 'native' : 'dgram'}: switch ${switchMs.toFixed(0)} ms after the primary stopped; data gap ${gapMs.toFixed(0)} ms; ${returned} returned in ${batches} batches`);
  assert.ok(switchAt > 0, 'switched to the standby');
  assert.ok(switchMs <= 1500, `switch took ${switchMs.toFixed(0)} ms`);
  assert.ok(gapMs <= 1500 + 50, `data gap ${gapMs.toFixed(0)} ms`);
  const atStandby = new Set(standby.data.map((x) => seqOf(x.d)));
  const missing: number[] = [];
  for (let s = firstSeqAfterSwitch; s < seq; s++) if (!atStandby.has(s)) missing.push(s);
  assert.deepEqual(missing, [], 'every packet sent after the switch reached the standby');
  const st = r.status();
  assert.equal(st.active, 'standby');
  assert.equal(st.peers[0].state, 'down');
  assert.equal(st.peers[1].switches, 1);
  assert.equal(st.peers[1].repinned, FLOWS);
  assert.ok(returned >= primary.data.length, 'returned packets were handed on');
  assert.ok(st.peers[0].returnedPackets > 0 && st.peers[1].returnedPackets > 0);
  assert.ok(batches > 0 && returnedAtLastBatch === returned, 'every returned packet was followed by the end of its batch');
}
