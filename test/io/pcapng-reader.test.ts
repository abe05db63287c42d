import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureError } from '../../src/core/errors.js';
import { openCapture, readCaptureSync } from '../../src/io/capture-reader.js';
import { boundaries, collect, concat, epb, frameData, idb, removeTempFiles, shb, spb, tempFile } from './capture-builders.js';
import { mixedPcapng } from './pcapng-file.js';

after(removeTempFiles);

describe('pcapng reader', () => {
  it('reads mixed interfaces, resolutions, block types and two sections at any chunk and batch size', async () => {
    const built = mixedPcapng();
    const path = tempFile(concat(built.pieces), 'mixed.pcapng');
    const r = await openCapture(path);
    assert.deepEqual(r.info, { format: 'pcapng', path });
    await r.close();
    for (const chunkBytes of [16, 64, 100, 333, 4096, undefined]) {
      for (const batchSize of [1, 3, 512]) {
        const { frames, error } = await collect(path, { chunkBytes, batchSize });
        assert.equal(error, null, `chunk ${chunkBytes} batch ${batchSize}`);
        assert.deepEqual(frames, built.frames, `chunk ${chunkBytes} batch ${batchSize}`);
      }
    }
    const sync = readCaptureSync(path);
    assert.equal(sync.info.format, 'pcapng');
    assert.deepEqual(
      sync.frames.map((f) => ({ ...f, data: Array.from(f.data) })),
      built.frames,
    );
  });

  it('detects pcapng by magic whatever the file is called', async () => {
    const path = tempFile(concat(mixedPcapng().pieces), 'looks-like.pcap');
    const r = await openCapture(path);
    assert.equal(r.info.format, 'pcapng');
    await r.close();
  });

  it('resets the interface list at a new section: an EPB naming a previous-section interface is an error', async () => {
    const pieces = [shb(true), idb(true, 1, 0), idb(true, 1, 0), epb(true, 1, 1n, frameData(20, 1)), shb(true), idb(true, 1, 0), epb(true, 1, 2n, frameData(20, 2))];
    const { frames, error } = await collect(tempFile(concat(pieces)), { chunkBytes: 64 });
    assert.equal(frames.length, 1);
    assert.ok(error instanceof CaptureError);
    assert.equal(error.code, 'FG_ERR_CAPTURE_FORMAT');
    assert.equal(error.offset, boundaries(pieces)[5]);
    assert.match(error.message, /undeclared interface 1/);
  });

  it('bounds a simple packet block by its original length, the snap length and the block room', async () => {
    // Wireshark rejects the third block (origlen 1000 > room 12); the reader keeps what is there.
    const pieces = [shb(true), idb(true, 1, 10), spb(true, frameData(8, 1), 8), spb(true, frameData(16, 2), 16), idb(true, 1, 0), spb(true, frameData(12, 3), 1000)];
    const { frames, error } = await collect(tempFile(concat(pieces)));
    assert.equal(error, null);
    assert.deepEqual(
      frames.map((f) => [f.data.length, f.wireLen, f.tsUs]),
      [
        [8, 8, 0],
        [10, 16, 0],
        [10, 1000, 0],
      ],
    );
    assert.deepEqual(frames[1].data, Array.from(frameData(10, 2)));
  });

  it('rejects a simple packet block before any interface', async () => {
    const { error } = await collect(tempFile(concat([shb(true), spb(true, frameData(8, 1))])));
    assert.ok(error instanceof CaptureError);
    assert.equal(error.code, 'FG_ERR_CAPTURE_FORMAT');
    assert.equal(error.offset, shb(true).length);
  });

  it('iterates once and closes its file when the consumer stops early', async () => {
    const r = await openCapture(tempFile(concat(mixedPcapng().pieces)), { batchSize: 1 });
    for await (const b of r) {
      assert.equal(b.count, 1);
      break;
    }
    assert.throws(() => r[Symbol.asyncIterator](), /only once/);
    await r.close(); // idempotent
  });
});
