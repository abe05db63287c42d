// Batched UDP over loopback: many datagrams sent with sendmmsg arrive byte-exact through recvmmsg,
// with the right source address and port; bad arguments and syscall failures become JS errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DatagramBatch, UdpBatchSocket } from '../../../src/io/native/index.js';
import type { NativeAddon } from '../../../src/io/native/index.js';
import { addonOrSkip } from './native-env.js';

const LOOPBACK = 0x7f000001;

/** Datagram i: 4-byte big-endian index then a pattern derived from it; length varies with i. */
function fill(buf: Uint8Array, off: number, i: number): number {
  const len = 4 + ((i * 37) % 1200);
  buf[off] = i >>> 24;
  buf[off + 1] = (i >>> 16) & 0xff;
  buf[off + 2] = (i >>> 8) & 0xff;
  buf[off + 3] = i & 0xff;
  for (let k = 4; k < len; k++) buf[off + k] = (i + k * 7) & 0xff;
  return len;
}

function pair(addon: NativeAddon): { rx: UdpBatchSocket; tx: UdpBatchSocket; rxPort: number; txPort: number } {
  const rx = UdpBatchSocket.open(addon, '127.0.0.1', 0, { rcvbuf: 8 << 20 });
  const tx = UdpBatchSocket.open(addon, '127.0.0.1', 0, { sndbuf: 4 << 20 });
  return { rx, tx, rxPort: rx.local().port, txPort: tx.local().port };
}

describe('native batched UDP', () => {
  it('udpSendSegmented: runs split on destination and length; every datagram arrives whole, in order', async (t) => {
    const addon = addonOrSkip(t);
    if (!addon) return;
    const a = pair(addon);
    const b = UdpBatchSocket.open(addon, '127.0.0.1', 0, { rcvbuf: 8 << 20 });
    t.after(() => {
      a.rx.close();
      a.tx.close();
      b.close();
    });
    // 200 datagrams: 100 x 300 B to A (more than one GSO message), 30 x 300 B to B, 40 alternating A/B, 30 x 50 B to A
    const dst: number[] = [];
    const lens: number[] = [];
    const push = (to: number, len: number, n: number) => {
      for (let k = 0; k < n; k++) {
        dst.push(to);
        lens.push(len);
      }
    };
    push(0, 300, 100);
    push(1, 300, 30);
    for (let k = 0; k < 40; k++) push(k & 1, 300, 1);
    push(0, 50, 30);
    const n = dst.length;
    const buf = new Uint8Array(n * 300);
    const offs = new Int32Array(n);
    const lensA = Int32Array.from(lens);
    const addrs = new Uint32Array(n).fill(LOOPBACK);
    const ports = Uint16Array.from(dst, (d) => (d === 0 ? a.rxPort : b.local().port));
    for (let i = 0; i < n; i++) {
      offs[i] = i * 300;
      buf.fill(i & 0xff, offs[i], offs[i] + lens[i]);
    }
    assert.equal(addon.udpSendSegmented(a.tx.fd, buf, offs, lensA, addrs, ports, n), n);
    const got: [number[], number[]] = [[], []];
    const rxb = new DatagramBatch(256, 2048);
    for (let round = 0; round < 200 && got[0].length + got[1].length < n; round++) {
      for (const [k, sock] of [a.rx, b].entries()) {
        const m = sock.recv(rxb);
        for (let j = 0; j < m; j++) {
          const off = rxb.offs[j];
          const len = rxb.lens[j];
          assert.ok(rxb.buf.subarray(off, off + len).every((x) => x === rxb.buf[off]), 'one datagram, not a merged run');
          got[k].push(len * 1000 + rxb.buf[off]);
        }
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const want: [number[], number[]] = [[], []];
    for (let i = 0; i < n; i++) want[dst[i]].push(lens[i] * 1000 + (i & 0xff));
    assert.deepEqual(got, want);
  });

  it('round-trips 4000 datagrams byte-exact with source address and port', async (t) => {
    const addon = addonOrSkip(t);
    if (!addon) return;
    const { rx, tx, rxPort, txPort } = pair(addon);
    t.after(() => {
      rx.close();
      tx.close();
    });
    assert.ok(rxPort > 0 && txPort > 0 && rxPort !== txPort);

    const total = 4000;
    const out = new DatagramBatch(256, 1280);
    const got = new DatagramBatch(64, 2048);
    const seen = new Uint8Array(total);
    let received = 0;
    let mismatches = 0;
    const expect = new Uint8Array(1280);
    const done = new Promise<void>((resolve, reject) => {
      rx.onReadable((status) => {
        if (status < 0) return reject(new Error(`poll status ${status}`));
        for (let n = rx.recv(got); n > 0; n = rx.recv(got)) {
          for (let k = 0; k < n; k++) {
            const o = got.offs[k];
            if (o !== k * got.slotSize) mismatches++;
            const i = ((got.buf[o] << 24) | (got.buf[o + 1] << 16) | (got.buf[o + 2] << 8) | got.buf[o + 3]) >>> 0;
            const len = fill(expect, 0, i);
            const same = got.lens[k] === len && Buffer.compare(got.buf.subarray(o, o + len), expect.subarray(0, len)) === 0;
            if (!same || got.addrs[k] !== LOOPBACK || got.ports[k] !== txPort || seen[i]) mismatches++;
            seen[i] = 1;
            received++;
          }
        }
        if (received >= total) resolve();
      });
    });

    // send in batches of 256, pausing for the receiver when the socket buffer is full
    let sent = 0;
    for (let guard = 0; sent < total && guard < 100000; guard++) {
      const count = Math.min(out.capacity, total - sent);
      for (let k = 0; k < count; k++) {
        out.useSlot(k, fill(out.buf, k * out.slotSize, sent + k));
        out.addrs[k] = LOOPBACK;
        out.ports[k] = rxPort;
      }
      const n = tx.send(out, count);
      assert.ok(n >= 0 && n <= count);
      sent += n;
      if (n < count) await new Promise((r) => setImmediate(r));
      else if (sent % 1024 === 0) await new Promise((r) => setImmediate(r));
    }
    assert.equal(sent, total);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`only ${received}/${total} received`)), 5000);
    });
    await Promise.race([done, late]).finally(() => clearTimeout(timer));
    assert.equal(mismatches, 0);
    assert.equal(received, total);
    assert.equal(seen.reduce((a, b) => a + b, 0), total);
  });

  it('returns 0 when nothing is queued and cuts datagrams longer than the slot', (t) => {
    const addon = addonOrSkip(t);
    if (!addon) return;
    const { rx, tx, rxPort } = pair(addon);
    t.after(() => {
      rx.close();
      tx.close();
    });
    const small = new DatagramBatch(4, 16);
    assert.equal(rx.recv(small), 0);
    const out = new DatagramBatch(1, 100);
    out.buf.fill(0xab, 0, 100);
    out.useSlot(0, 100);
    out.addrs[0] = LOOPBACK;
    out.ports[0] = rxPort;
    assert.equal(tx.send(out, 1), 1);
    assert.equal(rx.recv(small), 1);
    assert.equal(small.lens[0], 16);
    assert.ok(small.buf.subarray(0, 16).every((b) => b === 0xab));
  });

  it('rejects spans outside the buffer and wrong array types before any syscall', (t) => {
    const addon = addonOrSkip(t);
    if (!addon) return;
    const fd = addon.udpOpen('127.0.0.1', 0);
    t.after(() => addon.close(fd));
    const buf = new Uint8Array(100);
    const addrs = new Uint32Array([LOOPBACK]);
    const ports = new Uint16Array([9]);
    assert.throws(
      () => addon.udpSendBatch(fd, buf, new Int32Array([90]), new Int32Array([20]), addrs, ports, 1),
      RangeError,
    );
    assert.throws(() => addon.udpSendBatch(fd, buf, new Int32Array([-1]), new Int32Array([1]), addrs, ports, 1), RangeError);
    assert.throws(() => addon.udpSendBatch(fd, buf, new Int32Array(1), new Int32Array(1), addrs, ports, 2), RangeError);
    assert.throws(() => addon.udpSendBatch(fd, buf, new Int32Array(1), new Int32Array(1), addrs, ports, 1025), RangeError);
    const wrong = new Float64Array(1) as unknown as Int32Array;
    assert.throws(() => addon.udpSendBatch(fd, buf, wrong, new Int32Array(1), addrs, ports, 1), TypeError);
    assert.throws(() => addon.udpRecvBatch(fd, buf, 0, new Int32Array(1), new Int32Array(1), addrs, ports, 1), RangeError);
    assert.throws(() => addon.close(1), RangeError, 'stdio fds are refused');
    assert.throws(() => addon.udpOpen('not-an-ip', 0), TypeError);
  });

  it('reports failing syscalls with errno code and text', (t) => {
    const addon = addonOrSkip(t);
    if (!addon) return;
    const fd = addon.udpOpen('127.0.0.1', 0);
    t.after(() => addon.close(fd));
    const port = addon.sockName(fd).port;
    assert.throws(
      () => addon.udpOpen('127.0.0.1', port),
      (e: unknown) => {
        const err = e as Error & { code: string; syscall: string; errno: number };
        assert.equal(err.code, 'EADDRINUSE');
        assert.equal(err.syscall, 'bind');
        assert.match(err.message, /^udpOpen: bind failed: Address already in use \(EADDRINUSE\)$/);
        return true;
      },
    );
    // two sockets may share a port only when both ask for SO_REUSEPORT
    const a = addon.udpOpen('127.0.0.1', 0, { reusePort: true });
    const b = addon.udpOpen('127.0.0.1', addon.sockName(a).port, { reusePort: true });
    addon.close(a);
    addon.close(b);
    const closed = addon.udpOpen('127.0.0.1', 0);
    addon.close(closed);
    assert.throws(() => addon.close(closed), { code: 'EBADF' });
  });

  it('a watcher fires only when readable, stops, and survives close()', async (t) => {
    const addon = addonOrSkip(t);
    if (!addon) return;
    const { rx, tx, rxPort } = pair(addon);
    t.after(() => tx.close());
    let calls = 0;
    const got = new DatagramBatch(8, 64);
    rx.onReadable(() => {
      calls++;
      rx.recv(got);
    });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(calls, 0, 'no wake-up while nothing is queued');
    const out = new DatagramBatch(1, 8);
    out.useSlot(0, 8);
    out.addrs[0] = LOOPBACK;
    out.ports[0] = rxPort;
    tx.send(out, 1);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(calls, 1);
    assert.equal(got.count, 1);
    rx.pause();
    tx.send(out, 1);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(calls, 1, 'paused watcher does not fire');
    rx.resume();
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(calls, 2);
    rx.close();
    rx.close();
    assert.ok(rx.closed);
    assert.throws(() => rx.onReadable(() => undefined), /closed/);
  });

  it('closing a watched fd closes its watchers instead of crashing the loop', async (t) => {
    const addon = addonOrSkip(t);
    if (!addon) return;
    const fd = addon.udpOpen('127.0.0.1', 0);
    let calls = 0;
    const w = new addon.FdWatcher(fd, () => calls++);
    w.start();
    addon.close(fd); // libuv would abort on the next loop turn if the poll handle were still active
    await new Promise((r) => setTimeout(r, 20));
    assert.throws(() => w.start(), /watcher is closed/);
    w.close();
    assert.equal(calls, 0);
  });
});
