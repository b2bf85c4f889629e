/**
 * Bounds-checked reads over a Uint8Array, in the spirit of tcpdump's GET_BE_U_n macros:
 * reading past the end never throws, it reports truncation.
 *
 * Two styles are offered because decoders have two kinds of reads:
 *
 * - Fixed headers: check once with `end - offset >= n` (or {@link ByteReader.has}), then use
 *   the unchecked `getU16BE` family, which compile to a handful of byte loads. This is the hot
 *   path; a Uint8Array index past the end yields `undefined`, which the bitwise operators turn
 *   into 0, so even a missed check cannot throw.
 * - Variable-length walks (options, DNS names): use the checked `readU16BE` family, which
 *   return -1 when the value does not fit, or a {@link ByteReader} cursor whose `truncated`
 *   flag latches on the first short read.
 *
 * DataView is deliberately not used: its getters throw RangeError past the end and cost a
 * bounds check we already made.
 */

/** Unchecked big-endian 16-bit read; the caller has verified `offset + 2 <= data.length`. */
export function getU16BE(data: Uint8Array, offset: number): number {
  return (data[offset]! << 8) | data[offset + 1]!;
}

/** Unchecked big-endian 24-bit read. */
export function getU24BE(data: Uint8Array, offset: number): number {
  return (data[offset]! << 16) | (data[offset + 1]! << 8) | data[offset + 2]!;
}

/** Unchecked big-endian 32-bit read, unsigned (0..2^32-1). */
export function getU32BE(data: Uint8Array, offset: number): number {
  return (
    ((data[offset]! << 24) |
      (data[offset + 1]! << 16) |
      (data[offset + 2]! << 8) |
      data[offset + 3]!) >>>
    0
  );
}

/** Unchecked little-endian 16-bit read. */
export function getU16LE(data: Uint8Array, offset: number): number {
  return data[offset]! | (data[offset + 1]! << 8);
}

/** Unchecked little-endian 32-bit read, unsigned. */
export function getU32LE(data: Uint8Array, offset: number): number {
  return (
    (data[offset]! |
      (data[offset + 1]! << 8) |
      (data[offset + 2]! << 16) |
      (data[offset + 3]! << 24)) >>>
    0
  );
}

/** Checked 8-bit read: the byte, or -1 when `offset` is outside `data`. */
export function readU8(data: Uint8Array, offset: number): number {
  return offset >= 0 && offset < data.length ? data[offset]! : -1;
}

/** Checked big-endian 16-bit read: the value, or -1 when it does not fit in `data`. */
export function readU16BE(data: Uint8Array, offset: number): number {
  return offset >= 0 && offset + 2 <= data.length ? getU16BE(data, offset) : -1;
}

/** Checked big-endian 24-bit read, or -1. */
export function readU24BE(data: Uint8Array, offset: number): number {
  return offset >= 0 && offset + 3 <= data.length ? getU24BE(data, offset) : -1;
}

/** Checked big-endian 32-bit read, or -1. */
export function readU32BE(data: Uint8Array, offset: number): number {
  return offset >= 0 && offset + 4 <= data.length ? getU32BE(data, offset) : -1;
}

/** Checked little-endian 16-bit read, or -1. */
export function readU16LE(data: Uint8Array, offset: number): number {
  return offset >= 0 && offset + 2 <= data.length ? getU16LE(data, offset) : -1;
}

/** Checked little-endian 32-bit read, or -1. */
export function readU32LE(data: Uint8Array, offset: number): number {
  return offset >= 0 && offset + 4 <= data.length ? getU32LE(data, offset) : -1;
}

/**
 * A cursor over `data[start, end)`. Reads past `end` return -1 (or an empty array), leave the
 * cursor at `end` and latch `truncated`, so a decoder can read a whole structure and test the
 * flag once at the end instead of after every field.
 *
 * @example
 * const r = new ByteReader(new Uint8Array([0x12, 0x34, 0x56]));
 * r.u16be(); // 0x1234
 * r.u16be(); // -1, and r.truncated === true
 */
export class ByteReader {
  readonly data: Uint8Array;
  offset: number;
  readonly end: number;
  truncated: boolean;

  constructor(data: Uint8Array, start = 0, end = data.length) {
    this.data = data;
    this.offset = start;
    this.end = Math.min(end, data.length);
    this.truncated = false;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.offset;
  }

  /** True when at least `n` more bytes can be read. */
  has(n: number): boolean {
    return this.end - this.offset >= n;
  }

  private short(): -1 {
    this.truncated = true;
    this.offset = this.end;
    return -1;
  }

  u8(): number {
    if (this.offset + 1 > this.end) return this.short();
    return this.data[this.offset++]!;
  }

  u16be(): number {
    if (this.offset + 2 > this.end) return this.short();
    const v = getU16BE(this.data, this.offset);
    this.offset += 2;
    return v;
  }

  u24be(): number {
    if (this.offset + 3 > this.end) return this.short();
    const v = getU24BE(this.data, this.offset);
    this.offset += 3;
    return v;
  }

  u32be(): number {
    if (this.offset + 4 > this.end) return this.short();
    const v = getU32BE(this.data, this.offset);
    this.offset += 4;
    return v;
  }

  u16le(): number {
    if (this.offset + 2 > this.end) return this.short();
    const v = getU16LE(this.data, this.offset);
    this.offset += 2;
    return v;
  }

  u32le(): number {
    if (this.offset + 4 > this.end) return this.short();
    const v = getU32LE(this.data, this.offset);
    this.offset += 4;
    return v;
  }

  /**
   * The next `n` bytes as a view (no copy). When fewer remain, returns what is left and
   * latches `truncated`.
   */
  bytes(n: number): Uint8Array {
    if (n < 0) n = 0;
    if (this.offset + n > this.end) {
      const rest = this.data.subarray(this.offset, this.end);
      this.short();
      return rest;
    }
    const v = this.data.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** Advances by `n` bytes; returns false (and latches `truncated`) when that passes `end`. */
  skip(n: number): boolean {
    if (n < 0 || this.offset + n > this.end) {
      this.short();
      return false;
    }
    this.offset += n;
    return true;
  }
}
