// The simulated bytes are well-formed: checksums recomputed independently, timestamps in order, and every
// TCP connection's sequence/acknowledgment numbers consistent from SYN to the last ACK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketView } from '../../src/core/packet-view.js';
import { IpProto, LinkType } from '../../src/core/layers.js';
import { decodeFrame } from '../../src/packet/decode.js';
import { simulate } from '../../src/sim/index.js';

function ones(buf: Uint8Array, off: number, len: number, sum = 0): number {
  for (let i = 0; i + 1 < len; i += 2) sum += (buf[off + i] << 8) | buf[off + i + 1];
  if (len & 1) sum += buf[off + len - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
  return sum;
}

function l4Ok(b: Uint8Array, ip: number, l4: number, len: number, proto: number): boolean {
  const pseudo = ones(b, ip + 12, 8) + proto + len;
  return ones(b, l4, len, pseudo) === 0xffff;
}

interface Conn {
  next: [number, number]; // next expected seq: [client, server]
  lastAck: [number, number]; // highest ack each side sent
  synSeen: [boolean, boolean];
  finSeen: [boolean, boolean];
  packets: number;
}

test('checksums, ordering and TCP sequence/ack consistency over a whole run', () => {
  const p = new PacketView();
  const conns = new Map<string, Conn>();
  let last = 0;
  let frames = 0;
  let tcpChecked = 0;
  let udp = 0;
  const errors: string[] = [];
  const stats = simulate({ devices: 25, durationSec: 90, seed: 3 }, (buf, off, len, ts) => {
    frames++;
    if (ts < last) errors.push(`frame ${frames}: time went backwards`);
    last = ts;
    decodeFrame(p, buf, off, len, len, ts, LinkType.ETHERNET);
    if (p.eventCount > 0 || p.ipVersion !== 4) {
      errors.push(`frame ${frames}: decoder events ${p.eventCount}`);
      return;
    }
    if (ones(buf, p.l3Off, 20) !== 0xffff) errors.push(`frame ${frames}: bad IPv4 checksum`);
    const l4Len = p.ipLen - p.l3HdrLen;
    if (!l4Ok(buf, p.l3Off, p.l4Off, l4Len, p.ipProto)) errors.push(`frame ${frames}: bad L4 checksum`);
    if (p.ipProto === IpProto.UDP) udp++;
    if (p.ipProto !== IpProto.TCP) return;
    // the device (10.128/16) is always the client
    const fromDev = buf[p.srcAddrOff] === 10;
    const a = fromDev ? p.srcAddrOff : p.dstAddrOff;
    const devPort = fromDev ? p.srcPort : p.dstPort;
    const key = `${buf[a + 2]}.${buf[a + 3]}:${devPort}`;
    const d = fromDev ? 0 : 1;
    const syn = (p.tcpFlags & 0x02) !== 0;
    const fin = (p.tcpFlags & 0x01) !== 0;
    let c = conns.get(key);
    if (c === undefined || (syn && fromDev && c.finSeen[0] && c.finSeen[1])) {
      c = { next: [0, 0], lastAck: [0, 0], synSeen: [false, false], finSeen: [false, false], packets: 0 };
      conns.set(key, c);
    }
    c.packets++;
    if (syn) {
      c.synSeen[d] = true;
      c.next[d] = p.tcpSeq;
    } else if (p.tcpSeq !== c.next[d]) errors.push(`${key} dir ${d}: seq ${p.tcpSeq} expected ${c.next[d]}`);
    if (p.tcpFlags & 0x10) {
      // cumulative: never beyond what the peer sent, never backwards
      const ahead = (c.next[1 - d] - p.tcpAck) >>> 0;
      const progress = (p.tcpAck - c.lastAck[d]) >>> 0;
      if (ahead > 0x7fffffff) errors.push(`${key} dir ${d}: ack ${p.tcpAck} beyond peer's ${c.next[1 - d]}`);
      if (c.lastAck[d] !== 0 && progress > 0x7fffffff) errors.push(`${key} dir ${d}: ack went backwards`);
      c.lastAck[d] = p.tcpAck;
    }
    c.next[d] = (p.tcpSeq + p.payloadLen + (syn ? 1 : 0) + (fin ? 1 : 0)) >>> 0;
    if (fin) c.finSeen[d] = true;
    tcpChecked++;
  });
  assert.deepEqual(errors.slice(0, 5), []);
  assert.equal(frames, stats.packets);
  assert.ok(tcpChecked > 1000 && udp > 50, `tcp ${tcpChecked} udp ${udp}`);
  const all = [...conns.values()];
  assert.ok(all.length > 50, `${all.length} connections`);
  for (const c of all) assert.ok(c.synSeen[0] && c.synSeen[1], 'every connection has SYN and SYN-ACK');
  const closed = all.filter((c) => c.finSeen[0] && c.finSeen[1]).length;
  // the final ACK acknowledges everything including both FINs
  for (const c of all) assert.deepEqual([c.lastAck[0], c.lastAck[1]], [c.next[1], c.next[0]]);
  assert.equal(closed, all.length, 'every connection is torn down with FINs');
});
