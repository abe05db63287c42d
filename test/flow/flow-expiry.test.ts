import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowTable } from '../../src/flow/flow-table.js';
import type { ExpireReason } from '../../src/flow/flow-table.js';
import { TcpFlag } from '../../src/flow/tcp-state.js';
import { protoName } from '../../src/flow/flow-text.js';
import { IpProto } from '../../src/core/layers.js';
import { ConfigError } from '../../src/core/errors.js';
import { packet, reversed } from './_support/packets.js';
import type { PacketSpec } from './_support/packets.js';

const { SYN, ACK, FIN, RST } = TcpFlag;
const S = 1e6;

function collector(t: FlowTable) {
  const got: string[] = [];
  const cb = (idx: number, reason: ExpireReason) => {
    got.push(`${reason} ${t.keyText(idx)} ${t.pktsAB(idx)}/${t.pktsBA(idx)}`);
  };
  return { got, cb };
}

function tcp(sport: number, flags: number, tSec: number, reverse = false): PacketSpec {
  const s: PacketSpec = { src: '10.0.0.1', dst: '1.2.3.4', sport, dport: 80, flags, t: tSec };
  return reverse ? reversed(s) : s;
}

test('each timeout class expires after its own idle time (defaults)', () => {
  const t = new FlowTable({ capacity: 64 });
  // at t=0: one flow per class
  t.track(packet(tcp(1, SYN, 0))); // opening 30 s
  t.track(packet(tcp(2, SYN, 0)));
  t.track(packet(tcp(2, SYN | ACK, 0, true))); // established 300 s
  t.track(packet(tcp(3, ACK, 0)));
  t.track(packet(tcp(3, FIN | ACK, 0, true))); // closing 120 s
  t.track(packet(tcp(4, ACK, 0)));
  t.track(packet(tcp(4, RST, 0, true))); // closed 10 s
  t.track(packet({ src: '10.0.0.1', dst: '8.8.8.8', proto: IpProto.UDP, sport: 5, dport: 53 })); // 120 s
  t.track(packet({ src: '10.0.0.1', dst: '8.8.8.8', proto: IpProto.ICMP })); // 30 s
  t.track(packet({ src: '10.0.0.1', dst: '8.8.8.8', proto: IpProto.GRE })); // other 60 s
  const got: string[] = [];
  const cb = (idx: number, reason: ExpireReason) => got.push(`${reason} ${protoName(t.proto[idx])} ${t.portA[idx]}`);
  const expiredAt = (sec: number) => {
    got.length = 0;
    t.expire(sec * S, cb);
    return got.sort();
  };
  assert.deepEqual(expiredAt(9.999), []);
  assert.deepEqual(expiredAt(10), ['idle TCP 4']);
  assert.deepEqual(expiredAt(29), []);
  assert.deepEqual(expiredAt(30), ['idle ICMP 0', 'idle TCP 1']);
  assert.deepEqual(expiredAt(60), ['idle GRE 0']);
  assert.deepEqual(expiredAt(120), ['idle TCP 3', 'idle UDP 5']);
  assert.deepEqual(expiredAt(299), []);
  assert.equal(t.stats.active, 1);
  assert.deepEqual(expiredAt(300), ['idle TCP 2']);
  assert.equal(t.stats.active, 0);
  assert.equal(t.stats.expired, 7);
  assert.equal(t.checkInvariants(), null);
});

test('a packet refreshes the idle time; configured timeouts apply', () => {
  const t = new FlowTable({ capacity: 8, timeouts: { udp: 5 } });
  const { got, cb } = collector(t);
  const u = (sec: number): PacketSpec => ({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, sport: 1, dport: 2, t: sec });
  t.track(packet(u(0)));
  t.track(packet(u(4)));
  t.expire(8 * S, cb);
  assert.deepEqual(got, []);
  t.expire(9 * S, cb);
  assert.deepEqual(got, ['idle UDP 10.0.0.1:1 <-> 10.0.0.2:2 2/0']);
});

test('state changes move a flow to its new class: an established flow that resets expires after 10 s', () => {
  const t = new FlowTable({ capacity: 8 });
  const { got, cb } = collector(t);
  t.track(packet(tcp(7, SYN, 0)));
  t.track(packet(tcp(7, SYN | ACK, 0, true)));
  t.track(packet(tcp(7, RST, 100, true)));
  t.expire(109 * S, cb);
  assert.equal(got.length, 0);
  t.expire(110 * S, cb);
  assert.equal(got.length, 1);
});

test('active timeout: reported, stays, counters restart', () => {
  const t = new FlowTable({ capacity: 8, timeouts: { active: 60, udp: 100 } });
  const { got, cb } = collector(t);
  const u = (sec: number, rev = false): PacketSpec => {
    const s: PacketSpec = { src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, sport: 1, dport: 2, t: sec, len: 10 };
    return rev ? reversed(s) : s;
  };
  let idx = -1;
  for (let s = 0; s <= 70; s += 10) idx = t.track(packet(u(s, s % 20 === 10)));
  t.expire(59 * S, cb);
  assert.deepEqual(got, []);
  t.expire(60 * S, cb);
  assert.deepEqual(got, ['active UDP 10.0.0.1:1 <-> 10.0.0.2:2 4/4']);
  assert.equal(t.stats.activeRestarts, 1);
  assert.equal(t.isLive(idx), true);
  assert.equal(t.pktsAB(idx) + t.pktsBA(idx), 0);
  assert.equal(t.bytesAB(idx) + t.bytesBA(idx), 0);
  // the next packet opens the new period and is counted in the same direction as before
  const again = t.track(packet(u(75, true)));
  assert.equal(again, idx);
  assert.equal(t.pktsBA(idx), 1);
  assert.equal(t.firstUsOf(idx), 75 * S);
  got.length = 0;
  t.expire(134 * S, cb);
  assert.deepEqual(got, [], 'period started at 75 s');
  t.expire(135 * S, cb);
  assert.deepEqual(got, ['active UDP 10.0.0.1:1 <-> 10.0.0.2:2 0/1']);
  got.length = 0;
  t.expire(175 * S, cb);
  assert.deepEqual(got, ['idle UDP 10.0.0.1:1 <-> 10.0.0.2:2 0/0'], 'idle timeout (100 s) ends it; no active report for an empty period');
  assert.equal(t.stats.activeRestarts, 2);
});

test('full table: the least recently used flow is evicted, counted and delivered before reuse', () => {
  const evicted: string[] = [];
  const t = new FlowTable({ capacity: 3 });
  t.onEvict = (idx, reason) => evicted.push(`${reason} ${t.keyText(idx)} live=${t.isLive(idx)}`);
  const u = (sport: number, sec: number): PacketSpec => ({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, sport, dport: 2, t: sec });
  const a = t.track(packet(u(1, 1)));
  t.track(packet(u(2, 2)));
  t.track(packet(u(3, 3)));
  t.track(packet(u(1, 4))); // flow 1 is now the most recent; flow 2 is the LRU
  const d = t.track(packet(u(4, 5)));
  assert.deepEqual(evicted, ['evicted UDP 10.0.0.1:2 <-> 10.0.0.2:2 live=true']);
  assert.equal(t.stats.evicted, 1);
  assert.equal(t.stats.active, 3);
  assert.equal(t.isLive(a), true);
  assert.equal(t.keyText(d), 'UDP 10.0.0.1:4 <-> 10.0.0.2:2');
  // an LRU flow already past its idle timeout is delivered as 'idle'
  t.track(packet(u(5, 1000)));
  assert.equal(evicted[1].startsWith('idle UDP 10.0.0.1:3'), true);
  assert.equal(t.stats.expired, 1);
  assert.equal(t.checkInvariants(), null);
});

test('eviction picks the oldest flow across timeout classes', () => {
  const evicted: number[] = [];
  const t = new FlowTable({ capacity: 2, onEvict: (idx) => evicted.push(t.portA[idx]) });
  t.track(packet({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, sport: 11, dport: 2, t: 1 }));
  t.track(packet(tcp(22, SYN, 2)));
  t.track(packet(tcp(33, SYN, 3)));
  assert.deepEqual(evicted, [11]);
  t.track(packet({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.ICMP, t: 4 }));
  assert.deepEqual(evicted, [11, 22]);
});

test('flush ends every flow and clears the table', () => {
  const t = new FlowTable({ capacity: 8 });
  const { got, cb } = collector(t);
  t.track(packet(tcp(1, SYN, 0)));
  t.track(packet({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, sport: 1, dport: 2, t: 1 }));
  t.flush(cb);
  assert.deepEqual(got, ['end TCP 10.0.0.1:1 <-> 1.2.3.4:80 1/0', 'end UDP 10.0.0.1:1 <-> 10.0.0.2:2 1/0']);
  assert.equal(t.stats.active, 0);
  assert.equal(t.stats.ended, 2);
  let n = 0;
  t.forEachActive(() => n++);
  assert.equal(n, 0);
  const p = packet(tcp(1, ACK, 2));
  t.track(p);
  assert.equal(p.flowIsNew, true);
  assert.equal(t.checkInvariants(), null);
});

test('expire with nothing timed out does no work on live flows', () => {
  const t = new FlowTable({ capacity: 8 });
  const i = t.track(packet(tcp(1, SYN, 0)));
  t.expire(1 * S, () => assert.fail('nothing should expire'));
  assert.equal(t.isLive(i), true);
});

test('bad options are ConfigErrors', () => {
  assert.throws(() => new FlowTable({ capacity: 0 }), ConfigError);
  assert.throws(() => new FlowTable({ capacity: 1.5 }), ConfigError);
  assert.throws(() => new FlowTable({ capacity: 4, timeouts: { udp: 0 } }), /flow\.timeouts\.udp/);
  assert.throws(() => new FlowTable({ capacity: 4, timeouts: { active: -1 } }), ConfigError);
  assert.throws(() => new FlowTable({ capacity: 4, timeouts: { bogus: 1 } as never }), /unknown timeout/);
  assert.equal(new FlowTable({ capacity: 4, timeouts: { udp: 7 } }).timeouts.udp, 7);
  assert.equal(new FlowTable({ capacity: 4 }).timeouts.tcpEstablished, 300);
});
