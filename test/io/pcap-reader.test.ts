import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureError } from '../../src/core/errors.js';
import { readCaptureSync } from '../../src/io/capture-reader.js';
import { collect, concat, frameData, pcapHeader, pcapRecord, removeTempFiles, tempFile, type PcapRecord } from './capture-builders.js';

after(removeTempFiles);

const records: PcapRecord[] = [
  { sec: 1700000000, frac: 1, data: frameData(60, 1) },
  { sec: 1700000001, frac: 999999, data: frameData(1514, 2), wireLen: 1514 },
  { sec: 1700000002, frac: 500000, data: frameData(40, 3), wireLen: 9000 },
];

describe('classic pcap reader', () => {
  for (const le of [true, false]) {
    for (const nanos of [false, true]) {
      it(`reads ${le ? 'little' : 'big'}-endian ${nanos ? 'ns' : 'µs'} files with any chunk and batch size`, async () => {
        const recs = records.map((r) => ({ ...r, frac: nanos ? r.frac * 1000 + 999 : r.frac }));
        const path = tempFile(concat([pcapHeader(le, nanos, 1), ...recs.map((r) => pcapRecord(le, r))]));
        const expected = records.map((r) => ({
          data: Array.from(r.data),
          tsUs: r.sec * 1e6 + r.frac, // ns are floored to µs
          wireLen: r.wireLen ?? r.data.length,
          linkType: 1,
          ifIndex: 0,
        }));
        for (const opts of [undefined, { chunkBytes: 64, batchSize: 1 }, { chunkBytes: 100, batchSize: 2 }]) {
          const { frames, error } = await collect(path, opts);
          assert.equal(error, null);
          assert.deepEqual(frames, expected);
        }
        const sync = readCaptureSync(path);
        assert.equal(sync.info.format, 'pcap');
        assert.deepEqual(
          sync.frames.map((f) => ({ ...f, data: Array.from(f.data) })),
          expected,
        );
      });
    }
  }

  it('masks the FCS bits off the link-type field', async () => {
    const path = tempFile(concat([pcapHeader(true, false, (2 << 28) | (1 << 26) | 113), pcapRecord(true, records[0])]));
    const { frames, error } = await collect(path);
    assert.equal(error, null);
    assert.equal(frames[0].linkType, 113);
  });

  it('reads a header-only file as zero frames', async () => {
    const { frames, error } = await collect(tempFile(pcapHeader(true, false, 1)));
    assert.equal(error, null);
    assert.equal(frames.length, 0);
  });

  it('rejects a captured length over 256 KiB after delivering the frames before it', async () => {
    const bad = pcapRecord(true, { sec: 1, frac: 0, data: frameData(8, 9), capLenField: 300000 });
    const path = tempFile(concat([pcapHeader(true, false, 1), pcapRecord(true, records[0]), bad]));
    const { frames, error } = await collect(path, { chunkBytes: 64 });
    assert.equal(frames.length, 1);
    assert.ok(error instanceof CaptureError);
    assert.equal(error.code, 'FG_ERR_CAPTURE_FORMAT');
    assert.equal(error.offset, 24 + 16 + 60);
    assert.match(error.message, /300000/);
  });

  it('rejects an unsupported major version', async () => {
    const { error } = await collect(tempFile(pcapHeader(true, false, 1, 65535, 3)));
    assert.ok(error instanceof CaptureError);
    assert.equal(error.code, 'FG_ERR_CAPTURE_FORMAT');
    assert.equal(error.offset, 0);
  });

  it('delivers a frame bigger than the chunk by growing the chunk', async () => {
    const big = { sec: 5, frac: 6, data: frameData(200000, 4) };
    const path = tempFile(concat([pcapHeader(true, false, 1), pcapRecord(true, records[0]), pcapRecord(true, big), pcapRecord(true, records[2])]));
    const { frames, error } = await collect(path, { chunkBytes: 256, batchSize: 4 });
    assert.equal(error, null);
    assert.equal(frames.length, 3);
    assert.deepEqual(frames[1].data, Array.from(big.data));
    assert.deepEqual(frames[2].data, Array.from(records[2].data));
  });
});
