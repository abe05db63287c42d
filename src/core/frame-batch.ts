// A batch of frames as struct-of-arrays over one buffer: ports and readers fill it, the pipeline walks it.
// Frames are addressed by offset into `buf`, so no per-frame Buffer/subarray is created.

export class FrameBatch {
  buf: Uint8Array;
  count = 0;
  readonly off: Int32Array;
  readonly capLen: Int32Array;
  readonly wireLen: Int32Array;
  readonly tsUs: Float64Array;
  readonly linkType: Uint16Array;
  readonly ifIndex: Uint16Array;

  constructor(readonly capacity: number, buf: Uint8Array = new Uint8Array(0)) {
    this.buf = buf;
    this.off = new Int32Array(capacity);
    this.capLen = new Int32Array(capacity);
    this.wireLen = new Int32Array(capacity);
    this.tsUs = new Float64Array(capacity);
    this.linkType = new Uint16Array(capacity);
    this.ifIndex = new Uint16Array(capacity);
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** Appends a frame that already lies in `buf` at `off`. Returns false when the batch is full. */
  push(off: number, capLen: number, wireLen: number, tsUs: number, linkType: number, ifIndex = 0): boolean {
    const i = this.count;
    if (i >= this.capacity) return false;
    this.off[i] = off;
    this.capLen[i] = capLen;
    this.wireLen[i] = wireLen;
    this.tsUs[i] = tsUs;
    this.linkType[i] = linkType;
    this.ifIndex[i] = ifIndex;
    this.count = i + 1;
    return true;
  }

  /** Copy of frame i's bytes (for tests and for records that leave the data path). */
  frameBytes(i: number): Uint8Array {
    return this.buf.slice(this.off[i], this.off[i] + this.capLen[i]);
  }
}
