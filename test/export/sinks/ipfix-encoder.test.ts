import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpfixEncoder, endReasonCode } from '../../../src/export/sinks/ipfix/encoder.js';
import { parseHostPort } from '../../../src/export/sinks/ipfix.js';
import type { FlowRecord } from '../../../src/export/flows/flow-record.js';

const flow = (i: number, v6 = false): FlowRecord => ({
  proto: 'UDP',
  ipVersion: v6 ? 6 : 4,
  aAddr: v6 ? 'fd00::1:2' : `10.0.0.${i % 250}`,
  aPort: 1000 + i,
  bAddr: v6 ? '2001:db8::35' : '192.0.2.53',
  bPort: 53,
  pktsAB: 2,
  pktsBA: 3,
  bytesAB: 2 ** 33 + 5,
  bytesBA: 300,
  firstUs: 1_700_000_000_123_456,
  lastUs: 1_700_000_001_000_000,
  app: 'DNS.example',
  appMethod: 'dpi',
  endReason: 'idle',
});

test('template message: version 10, set 2, two templates, reverse counters under PEN 29305, varlen app name', () => {
  const m = new IpfixEncoder(7, 1400).templateMessage(1_700_000_000);
  assert.equal(m.readUInt16BE(0), 10);
  assert.equal(m.readUInt16BE(2), m.length);
  assert.equal(m.readUInt32BE(8), 0, 'templates do not advance the sequence');
  assert.equal(m.readUInt32BE(12), 7);
  assert.equal(m.readUInt16BE(16), 2);
  assert.equal(m.readUInt16BE(18), m.length - 16);
  assert.equal(m.readUInt16BE(20), 256);
  const count = m.readUInt16BE(22);
  assert.equal(count, 14);
  const specs: [number, number, number?][] = [];
  let o = 24;
  for (let i = 0; i < count; i++) {
    const id = m.readUInt16BE(o);
    const len = m.readUInt16BE(o + 2);
    o += 4;
    if (id & 0x8000) {
      specs.push([id & 0x7fff, len, m.readUInt32BE(o)]);
      o += 4;
    } else specs.push([id, len]);
  }
  assert.deepEqual(specs.slice(7, 11), [[1, 8], [2, 8], [1, 8, 29305], [2, 8, 29305]]);
  assert.deepEqual(specs[13], [96, 0xffff]);
  assert.equal(m.readUInt16BE(o), 257, 'the IPv6 template follows');
});

test('data messages: split at the size limit, sequence counts data records, fields where the template says', () => {
  const enc = new IpfixEncoder(1, 512);
  const flows = [...Array.from({ length: 20 }, (_, i) => flow(i)), flow(99, true)];
  const msgs = enc.dataMessages(flows, 1_700_000_002);
  assert.ok(msgs.length > 1);
  let seq = 0;
  let records = 0;
  for (const m of msgs) {
    assert.ok(m.length <= 512);
    assert.equal(m.readUInt16BE(2), m.length);
    assert.equal(m.readUInt32BE(8), seq);
    // walk the sets: their lengths tile the message
    let o = 16;
    let n = 0;
    while (o < m.length) {
      const setId = m.readUInt16BE(o);
      const len = m.readUInt16BE(o + 2);
      assert.ok(setId === 256 || setId === 257);
      assert.ok(len > 4);
      // an IPv4 record of these flows is 75 bytes (64 fixed + 1 length + 11 of app name)
      if (setId === 256) assert.equal((len - 4) % 75, 0);
      n += setId === 256 ? (len - 4) / 75 : 1;
      o += len;
    }
    assert.equal(o, m.length);
    seq += n;
    records += n;
  }
  assert.equal(records, 21);
  assert.equal(enc.sequenceNumber, 21);
  const first = msgs[0];
  // 10.0.0.0 -> 192.0.2.53, ports, proto, start ms, bytes > 2^32
  assert.deepEqual([...first.subarray(20, 28)], [10, 0, 0, 0, 192, 0, 2, 53]);
  assert.equal(first.readUInt16BE(28), 1000);
  assert.equal(first.readUInt16BE(30), 53);
  assert.equal(first[32], 17);
  assert.equal(Number(first.readBigUInt64BE(33)), 1_700_000_000_123);
  assert.equal(Number(first.readBigUInt64BE(49)), 2 ** 33 + 5);
  assert.equal(first[81], 1, 'flowEndReason idle timeout');
  assert.equal(first[83], 11);
  assert.equal(first.toString('utf8', 84, 95), 'DNS.example');
  const last = msgs[msgs.length - 1];
  const v6 = last.indexOf(Buffer.from([0xfd, 0, 0, 0]));
  assert.ok(v6 > 0);
  assert.deepEqual([...last.subarray(v6, v6 + 16)], [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2]);
});

test('end reasons and host:port parsing', () => {
  assert.equal(endReasonCode('idle'), 1);
  assert.equal(endReasonCode('active'), 2);
  assert.equal(endReasonCode('end'), 3);
  assert.equal(endReasonCode('evicted'), 5);
  assert.deepEqual(parseHostPort('127.0.0.1:9995'), { host: '127.0.0.1', port: 9995 });
  assert.deepEqual(parseHostPort('[::1]:4739'), { host: '::1', port: 4739 });
  assert.deepEqual(parseHostPort('collector'), { host: 'collector', port: 4739 });
  assert.throws(() => parseHostPort('h:70000'), /port must be 1\.\.65535/);
});
