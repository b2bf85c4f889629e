// A growable byte buffer for building pcapng blocks (and pcap headers) in one byte order,
// reused from block to block so writing allocates nothing per packet.

import { pad4 } from "./_format.js";

const UTF8 = new TextEncoder();

export class BlockBuilder {
  bytes = new Uint8Array(1024);
  view = new DataView(this.bytes.buffer);
  length = 0;

  constructor(readonly littleEndian: boolean) {}

  reset(): void {
    this.length = 0;
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  u16(value: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, value, this.littleEndian);
    this.length += 2;
  }

  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, value, this.littleEndian);
    this.length += 4;
  }

  i64(value: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.length, value, this.littleEndian);
    this.length += 8;
  }

  u64(value: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.length, value, this.littleEndian);
    this.length += 8;
  }

  raw(data: Uint8Array): void {
    this.ensure(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** Zero bytes up to the next multiple of 4. */
  pad(): void {
    const n = pad4(this.length);
    this.ensure(n);
    this.bytes.fill(0, this.length, this.length + n);
    this.length += n;
  }

  /** An option: code, length, value, padding. */
  option(code: number, value: Uint8Array): void {
    if (value.length > 0xffff)
      throw new RangeError(`option ${code} value of ${value.length} bytes exceeds 65535`);
    this.u16(code);
    this.u16(value.length);
    this.raw(value);
    this.pad();
  }

  optionString(code: number, text: string | undefined): void {
    if (text !== undefined) this.option(code, UTF8.encode(text));
  }

  optionU8(code: number, value: number): void {
    this.u16(code);
    this.u16(1);
    this.u8(value);
    this.pad();
  }

  optionU32(code: number, value: number): void {
    this.u16(code);
    this.u16(4);
    this.u32(value);
  }

  optionI64(code: number, value: bigint): void {
    this.u16(code);
    this.u16(8);
    this.i64(value);
  }

  optionU64(code: number, value: bigint): void {
    this.u16(code);
    this.u16(8);
    this.u64(value);
  }

  /** opt_endofopt, only if some option was written since `optionsStart`. */
  endOptions(optionsStart: number): void {
    if (this.length > optionsStart) {
      this.u16(0);
      this.u16(0);
    }
  }

  /** Starts a block at the current position: type and a length patched by finishBlock(). */
  beginBlock(type: number): number {
    const start = this.length;
    this.u32(type);
    this.u32(0);
    return start;
  }

  /** Writes the total length at both ends of the block that began at `start`. */
  finishBlock(start: number): void {
    this.pad();
    const total = this.length - start + 4;
    this.view.setUint32(start + 4, total, this.littleEndian);
    this.u32(total);
  }

  output(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}
