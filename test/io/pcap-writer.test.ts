import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { FleetgateError } from '../../src/core/errors.js';
import { readCaptureSync } from '../../src/io/capture-reader.js';
import { PcapWriter } from '../../src/io/pcap-writer.js';
import { collect, frameData, removeTempFiles, tempPath } from './capture-builders.js';

after(removeTempFiles);

describe('pcap writer', () => {
  for (const nanos of [false, true]) {
    it(`round-trips frames through the reader (${nanos ? 'ns' : 'µs'})`, async () => {
      const path = tempPath(`rt-${nanos}.pcap`);
      const w = PcapWriter.open(path, { linkType: 113, snapLen: 100, nanos });
      const chunk = new Uint8Array(1000);
      chunk.set(frameData(50, 1), 10);
      chunk.set(frameData(300, 2), 200);
      w.write(chunk, 10, 50, 1700000000123456);
      w.write(chunk, 200, 300, 1700000001000001, 1514); // truncated to the snap length
      w.write(frameData(20, 3), 0, 20, 5);
      assert.equal(w.framesWritten, 3);
      await w.close();
      await w.close();
      assert.equal(w.bytesWritten, statSync(path).size);
      assert.equal(w.bytesWritten, 24 + 16 * 3 + 50 + 100 + 20);
      const { frames, error } = await collect(path);
      assert.equal(error, null);
      assert.deepEqual(
        frames.map((f) => [f.data.length, f.wireLen, f.tsUs, f.linkType]),
        [
          [50, 50, 1700000000123456, 113],
          [100, 1514, 1700000001000001, 113],
          [20, 20, 5, 113],
        ],
      );
      assert.deepEqual(frames[1].data, Array.from(frameData(300, 2).subarray(0, 100)));
      assert.equal(readCaptureSync(path).frames.length, 3);
    });
  }

  it('flushes through a large buffer and keeps every byte in order', async () => {
    const path = tempPath('many.pcap');
    const w = PcapWriter.open(path);
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const d = frameData(200 + (i % 1300), i);
      w.write(d, 0, d.length, 1e15 + i * 1000);
    }
    await w.close();
    assert.equal(w.bytesWritten, statSync(path).size);
    const { frames } = readCaptureSync(path);
    assert.equal(frames.length, n);
    for (const i of [0, 1, 1234, n - 1]) {
      assert.deepEqual(frames[i].data, frameData(200 + (i % 1300), i));
      assert.equal(frames[i].tsUs, 1e15 + i * 1000);
    }
  });

  it('refuses writes after close and bad snap lengths', async () => {
    const w = PcapWriter.open(tempPath('closed.pcap'));
    await w.close();
    assert.throws(() => w.write(new Uint8Array(4), 0, 4, 0), (e) => e instanceof FleetgateError && e.code === 'FG_ERR_USAGE');
    assert.throws(() => PcapWriter.open(tempPath('bad.pcap'), { snapLen: 0 }), /snapLen/);
  });
});
