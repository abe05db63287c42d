import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureError, FleetgateError } from '../../src/core/errors.js';
import { readCaptureSync } from '../../src/io/capture-reader.js';
import {
  block,
  boundaries,
  Bytes,
  collect,
  concat,
  epb,
  frameData,
  idb,
  pcapHeader,
  pcapRecord,
  removeTempFiles,
  shb,
  tempFile,
  type SeenFrame,
} from './capture-builders.js';
import { mixedPcapng } from './pcapng-file.js';

after(removeTempFiles);

interface Case {
  name: string;
  pieces: Uint8Array[];
  frames: SeenFrame[];
  framePiece: number[];
}

function pcapCase(le: boolean): Case {
  const data = [frameData(60, 1), frameData(7, 2), frameData(300, 3)];
  const pieces = [pcapHeader(le, !le, 1), ...data.map((d, i) => pcapRecord(le, { sec: 100 + i, frac: le ? i : i * 1000, data: d }))];
  return {
    name: `pcap ${le ? 'LE µs' : 'BE ns'}`,
    pieces,
    frames: data.map((d, i) => ({ data: Array.from(d), tsUs: (100 + i) * 1e6 + i, wireLen: d.length, linkType: 1, ifIndex: 0 })),
    framePiece: [1, 2, 3],
  };
}

/**
 * For a file cut after `cut` bytes: the frames of the pieces that end at or before the cut, and,
 * unless the cut falls on a piece boundary (the first piece is the file header), the offset where the cut piece starts.
 */
function expectation(c: Case, cut: number): { frames: SeenFrame[]; errorAt: number | null } {
  const ends = boundaries(c.pieces);
  const frames = c.frames.filter((_, i) => ends[c.framePiece[i]] <= cut);
  const whole = ends.filter((e) => e <= cut);
  const clean = whole.length > 0 && whole[whole.length - 1] === cut;
  return { frames, errorAt: clean ? null : (whole[whole.length - 1] ?? 0) };
}

function checkError(error: unknown, code: string, offset: number, label: string): void {
  assert.ok(error instanceof CaptureError, `${label}: expected a CaptureError, got ${String(error)}`);
  assert.equal(error.code, code, label);
  assert.equal(error.offset, offset, label);
}

describe('truncated captures', () => {
  for (const c of [pcapCase(true), pcapCase(false), { name: 'pcapng', ...mixedPcapng() }]) {
    it(`${c.name}: cut at every byte length delivers the frames before the cut, then FG_ERR_CAPTURE_TRUNCATED`, async () => {
      const full = concat(c.pieces);
      for (let cut = 0; cut < full.length; cut++) {
        const path = tempFile(full.subarray(0, cut));
        const label = `${c.name} cut at ${cut}`;
        const { frames, error } = await collect(path, { chunkBytes: cut % 2 ? 64 : 4096, batchSize: 2 });
        if (cut === 0) {
          checkError(error, 'FG_ERR_CAPTURE_FORMAT', 0, label);
          assert.match((error as Error).message, /empty file.*expected/);
          continue;
        }
        const want = expectation(c, cut);
        assert.deepEqual(frames, want.frames, label);
        if (want.errorAt === null) assert.equal(error, null, label);
        else {
          checkError(error, 'FG_ERR_CAPTURE_TRUNCATED', want.errorAt, label);
          assert.ok(want.errorAt <= cut);
          assert.throws(() => readCaptureSync(path), (e) => e instanceof CaptureError && e.offset === want.errorAt, label);
        }
      }
    });
  }
});

describe('corrupt captures', () => {
  const good = [shb(true), idb(true, 1, 0), epb(true, 0, 1n, frameData(20, 1))];
  const goodEnd = boundaries(good)[2];

  async function expectFormatError(pieces: Uint8Array[], offset: number, message: RegExp): Promise<void> {
    const { frames, error } = await collect(tempFile(concat(pieces)), { chunkBytes: 64 });
    assert.equal(frames.length, 1, 'the frame before the corruption is delivered');
    checkError(error, 'FG_ERR_CAPTURE_FORMAT', offset, message.source);
    assert.match((error as Error).message, message);
  }

  it('rejects a block length that is not a multiple of 4', async () => {
    const bad = new Bytes(true).u32(6).u32(30).bytes(new Uint8Array(22)).u32(30).done();
    await expectFormatError([...good, bad], goodEnd, /bad block total length 30/);
  });

  it('rejects a block length smaller than 12', async () => {
    const bad = new Bytes(true).u32(6).u32(8).u32(8).done();
    await expectFormatError([...good, bad], goodEnd, /bad block total length 8/);
  });

  it('rejects a trailing length that differs from the leading one', async () => {
    const bad = epb(true, 0, 2n, frameData(20, 2));
    bad[bad.length - 4] ^= 4;
    await expectFormatError([...good, bad], goodEnd, /trailing length/);
  });

  it('rejects a captured length larger than its block', async () => {
    await expectFormatError([...good, epb(true, 0, 2n, frameData(20, 2), 20, 400)], goodEnd, /exceeds its block/);
  });

  it('rejects a captured length over 256 KiB', async () => {
    await expectFormatError([...good, epb(true, 0, 2n, frameData(300000, 2))], goodEnd, /exceeds 262144/);
  });

  it('rejects an EPB on an undeclared interface', async () => {
    await expectFormatError([...good, epb(true, 3, 2n, frameData(20, 2))], goodEnd, /undeclared interface 3/);
  });

  it('rejects a bad section byte-order magic', async () => {
    const bad = shb(true);
    bad[8] = 0x99;
    await expectFormatError([...good, bad], goodEnd, /byte-order magic/);
  });

  it('rejects a pcapng block bigger than 32 MiB without reading it', async () => {
    const bad = new Bytes(true).u32(6).u32(64 * 1024 * 1024).done();
    await expectFormatError([...good, bad, new Uint8Array(16)], goodEnd, /bad block total length/);
  });

  it('rejects an unknown magic with what was expected', async () => {
    const { frames, error } = await collect(tempFile(new TextEncoder().encode('GET / HTTP/1.1\r\n')));
    assert.equal(frames.length, 0);
    checkError(error, 'FG_ERR_CAPTURE_FORMAT', 0, 'unknown magic');
    assert.match((error as Error).message, /unknown capture format \(first bytes 47 45 54 20\).*pcapng/);
    assert.throws(() => readCaptureSync(tempFile(new Uint8Array([1, 2, 3, 4, 5]))), /unknown capture format/);
  });

  it('rejects an empty file', async () => {
    const { error } = await collect(tempFile(new Uint8Array(0)));
    checkError(error, 'FG_ERR_CAPTURE_FORMAT', 0, 'empty');
    assert.throws(() => readCaptureSync(tempFile(new Uint8Array(0))), /empty file/);
  });

  it('reports a missing file as FG_ERR_NOT_FOUND', async () => {
    const { error } = await collect('/nonexistent/fleetgate/x.pcap');
    assert.ok(error instanceof FleetgateError);
    assert.equal(error.code, 'FG_ERR_NOT_FOUND');
  });

  it('skips an unknown block even when it is larger than the chunk', async () => {
    const pieces = [...good, block(true, 0x77, frameData(5000, 3)), epb(true, 0, 2n, frameData(20, 2))];
    const { frames, error } = await collect(tempFile(concat(pieces)), { chunkBytes: 64 });
    assert.equal(error, null);
    assert.equal(frames.length, 2);
  });
});

describe('mutated captures', () => {
  it('never throw anything but a CaptureError and always terminate', async () => {
    let seed = 7;
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const sources = [concat(mixedPcapng().pieces), concat(pcapCase(true).pieces), concat(pcapCase(false).pieces)];
    for (let round = 0; round < 300; round++) {
      const bytes = sources[round % sources.length].slice();
      for (let k = 1 + rnd(4); k > 0; k--) bytes[rnd(bytes.length)] = rnd(256);
      const path = tempFile(bytes);
      const { error } = await collect(path, { chunkBytes: 64, batchSize: 3 });
      assert.ok(error === null || error instanceof CaptureError, `round ${round}: ${String(error)}`);
      let syncError: unknown = null;
      try {
        readCaptureSync(path);
      } catch (e) {
        syncError = e;
      }
      assert.equal(syncError === null, error === null, `round ${round}: sync and streaming readers agree`);
    }
  });
});
