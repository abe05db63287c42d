// A growable byte builder for composing protocol messages (per message, not per packet).

export class Bytes {
  private b = new Uint8Array(256);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.b.length) return;
    let size = this.b.length * 2;
    while (size < this.len + n) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.b.subarray(0, this.len));
    this.b = nb;
  }

  u8(v: number): this {
    this.room(1);
    this.b[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.room(2);
    this.b[this.len++] = (v >>> 8) & 0xff;
    this.b[this.len++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    return this.u8(v >>> 16).u16(v & 0xffff);
  }

  u32(v: number): this {
    return this.u16((v >>> 16) & 0xffff).u16(v & 0xffff);
  }

  raw(data: Uint8Array): this {
    this.room(data.length);
    this.b.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** ASCII / Latin-1 text (all simulated protocol text is ASCII). */
  text(s: string): this {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.b[this.len++] = s.charCodeAt(i) & 0xff;
    return this;
  }

  /** Overwrites a 16-bit value at `at` (for length fields filled in afterwards). */
  patch16(at: number, v: number): this {
    this.b[at] = (v >>> 8) & 0xff;
    this.b[at + 1] = v & 0xff;
    return this;
  }

  patch24(at: number, v: number): this {
    this.b[at] = (v >>> 16) & 0xff;
    return this.patch16(at + 1, v & 0xffff);
  }

  done(): Uint8Array {
    return this.b.slice(0, this.len);
  }
}

export function ascii(s: string): Uint8Array {
  return new Bytes().text(s).done();
}
