/**
 * A growable byte writer for building packets, files and test fixtures. Values are masked to
 * their width, so an out-of-range argument cannot corrupt neighbouring bytes.
 *
 * @example
 * const w = new ByteWriter();
 * w.u16be(0x0800).u8(0x45);
 * w.toBytes(); // Uint8Array [8, 0, 0x45]
 */
export class ByteWriter {
  private buf: Uint8Array;
  length: number;

  constructor(initialCapacity = 64) {
    this.buf = new Uint8Array(initialCapacity > 0 ? initialCapacity : 16);
    this.length = 0;
  }

  private reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): this {
    this.reserve(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u16be(v: number): this {
    this.reserve(2);
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u32be(v: number): this {
    this.reserve(4);
    this.buf[this.length++] = (v >>> 24) & 0xff;
    this.buf[this.length++] = (v >>> 16) & 0xff;
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u16le(v: number): this {
    this.reserve(2);
    this.buf[this.length++] = v & 0xff;
    this.buf[this.length++] = (v >>> 8) & 0xff;
    return this;
  }

  u32le(v: number): this {
    this.reserve(4);
    this.buf[this.length++] = v & 0xff;
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = (v >>> 16) & 0xff;
    this.buf[this.length++] = (v >>> 24) & 0xff;
    return this;
  }

  bytes(b: ArrayLike<number>): this {
    this.reserve(b.length);
    for (let i = 0; i < b.length; i++) this.buf[this.length++] = b[i]! & 0xff;
    return this;
  }

  /** Appends `n` zero bytes. */
  zeros(n: number): this {
    this.reserve(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
    return this;
  }

  /** Overwrites a big-endian 16-bit value at an earlier position (lengths, checksums). */
  patchU16BE(offset: number, v: number): this {
    if (offset < 0 || offset + 2 > this.length) {
      throw new RangeError(`patch offset ${offset} outside written length ${this.length}`);
    }
    this.buf[offset] = (v >>> 8) & 0xff;
    this.buf[offset + 1] = v & 0xff;
    return this;
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
