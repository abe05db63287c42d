// Raw IPv4 (GRE, protocol 47) over loopback: a batch sent with sendmmsg arrives on a raw proto-47
// socket with the kernel-built IPv4 header in front. Needs root.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DatagramBatch, RawIpv4Socket } from '../../../src/io/native/index.js';
import { ipPayloadOffset } from '../../../src/io/native/raw-ipv4-socket.js';
import { rootAddonOrSkip, waitFor } from './native-env.js';

const LOOPBACK = 0x7f000001;
const GRE = 47;

/** A GRE header (no flags, protocol 0x88be = ERSPAN type II marker) followed by a tagged body. */
function greFrame(buf: Uint8Array, off: number, i: number): number {
  const len = 4 + 20 + (i % 50);
  buf[off] = 0;
  buf[off + 1] = 0;
  buf[off + 2] = 0x88;
  buf[off + 3] = 0xbe;
  for (let k = 4; k < len; k++) buf[off + k] = (i * 13 + k) & 0xff;
  buf[off + 4] = i; // tag
  return len;
}

describe('native raw IPv4 socket', () => {
  it('sends a batch of GRE packets to 127.0.0.1 and receives them with the IPv4 header', async (t) => {
    const addon = rootAddonOrSkip(t);
    if (!addon) return;
    const rx = RawIpv4Socket.open(addon, GRE);
    const tx = RawIpv4Socket.open(addon, GRE);
    t.after(() => {
      rx.close();
      tx.close();
    });
    const total = 40;
    const out = new DatagramBatch(total, 128);
    for (let i = 0; i < total; i++) {
      out.useSlot(i, greFrame(out.buf, i * out.slotSize, i));
      out.addrs[i] = LOOPBACK;
    }
    assert.equal(tx.send(out, total), total);

    const got = new DatagramBatch(16, 256);
    const tags = new Set<number>();
    const expect = new Uint8Array(128);
    let bad = 0;
    rx.onReadable(() => {
      for (let n = rx.recv(got); n > 0; n = rx.recv(got)) {
        for (let k = 0; k < n; k++) {
          const o = got.offs[k];
          const b = got.buf;
          // IPv4 header built by the kernel: version 4, protocol 47, 127.0.0.1 -> 127.0.0.1
          if (b[o] >> 4 !== 4 || b[o + 9] !== GRE || got.addrs[k] !== LOOPBACK) bad++;
          const p = ipPayloadOffset(b, o);
          const tag = b[p + 4];
          const len = greFrame(expect, 0, tag);
          if (o + got.lens[k] - p !== len || Buffer.compare(b.subarray(p, p + len), expect.subarray(0, len)) !== 0) bad++;
          tags.add(tag);
        }
      }
    });
    await waitFor(() => tags.size === total, `${total} GRE packets`);
    assert.equal(bad, 0);
    assert.equal(tags.size, total);
  });

  it('rawOpen refuses protocol 0 and 255 and reports errno on a closed fd', (t) => {
    const addon = rootAddonOrSkip(t);
    if (!addon) return;
    assert.throws(() => addon.rawOpen(0), RangeError);
    assert.throws(() => addon.rawOpen(255), RangeError);
    const fd = addon.rawOpen(GRE);
    addon.close(fd);
    const b = new Uint8Array(8);
    assert.throws(
      () => addon.rawSendBatch(fd, b, new Int32Array(1), new Int32Array([8]), new Uint32Array([LOOPBACK]), 1),
      { code: 'EBADF', syscall: 'sendmmsg' },
    );
  });
});
