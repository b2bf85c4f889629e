import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ByteReader,
  ByteWriter,
  getU16BE,
  getU32BE,
  getU32LE,
  readU8,
  readU16BE,
  readU16LE,
  readU24BE,
  readU32BE,
  readU32LE,
} from "../../src/bytes/index.js";

const data = new Uint8Array([0x12, 0x34, 0x56, 0x78, 0x9a]);

describe("checked reads", () => {
  it("read big- and little-endian values inside the array", () => {
    assert.equal(readU8(data, 4), 0x9a);
    assert.equal(readU16BE(data, 0), 0x1234);
    assert.equal(readU16LE(data, 0), 0x3412);
    assert.equal(readU24BE(data, 1), 0x345678);
    assert.equal(readU32BE(data, 1), 0x3456789a);
    assert.equal(readU32LE(data, 0), 0x78563412);
  });

  it("a 32-bit value with the top bit set is unsigned", () => {
    assert.equal(readU32BE(new Uint8Array([0xff, 0, 0, 1]), 0), 0xff000001);
    assert.equal(getU32BE(new Uint8Array([0x80, 0, 0, 0]), 0), 0x80000000);
    assert.equal(getU32LE(new Uint8Array([0, 0, 0, 0x80]), 0), 0x80000000);
  });

  it("return -1 at every offset where the value does not fit, never throw", () => {
    for (let off = -2; off <= 7; off++) {
      assert.equal(readU8(data, off), off >= 0 && off < 5 ? data[off] : -1);
      assert.equal(readU16BE(data, off) === -1, !(off >= 0 && off + 2 <= 5));
      assert.equal(readU24BE(data, off) === -1, !(off >= 0 && off + 3 <= 5));
      assert.equal(readU32BE(data, off) === -1, !(off >= 0 && off + 4 <= 5));
      assert.equal(readU32LE(data, off) === -1, !(off >= 0 && off + 4 <= 5));
    }
  });

  it("unchecked reads past the end do not throw", () => {
    assert.doesNotThrow(() => getU16BE(data, 100));
    assert.doesNotThrow(() => getU32BE(data, 4));
  });
});

describe("ByteReader", () => {
  it("walks fields and latches truncation on the first short read", () => {
    const r = new ByteReader(data);
    assert.equal(r.u16be(), 0x1234);
    assert.equal(r.remaining, 3);
    assert.ok(r.has(3));
    assert.ok(!r.has(4));
    assert.equal(r.u8(), 0x56);
    assert.equal(r.truncated, false);
    assert.equal(r.u32be(), -1);
    assert.equal(r.truncated, true);
    assert.equal(r.remaining, 0);
    assert.equal(r.u8(), -1);
  });

  it("respects an end bound inside the array", () => {
    const r = new ByteReader(data, 1, 3);
    assert.equal(r.u16be(), 0x3456);
    assert.equal(r.u8(), -1);
    assert.ok(r.truncated);
  });

  it("bytes() returns what is left when short, and flags it", () => {
    const r = new ByteReader(data, 3);
    const b = r.bytes(5);
    assert.deepEqual([...b], [0x78, 0x9a]);
    assert.ok(r.truncated);
  });

  it("skip() refuses to pass the end", () => {
    const r = new ByteReader(data);
    assert.equal(r.skip(5), true);
    assert.equal(r.truncated, false);
    assert.equal(r.skip(1), false);
    assert.equal(r.truncated, true);
  });

  it("little-endian cursor reads", () => {
    const r = new ByteReader(data);
    assert.equal(r.u16le(), 0x3412);
    assert.equal(r.u16le(), 0x7856);
    assert.equal(r.u32le(), -1);
  });
});

describe("ByteWriter", () => {
  it("writes values of every width and grows past its capacity", () => {
    const w = new ByteWriter(2);
    w.u8(0x1ff).u16be(0xabcd).u32be(0x01020304).u16le(0xabcd).u32le(0x01020304).zeros(2);
    w.bytes([9, 8]);
    assert.deepEqual(
      [...w.toBytes()],
      [0xff, 0xab, 0xcd, 1, 2, 3, 4, 0xcd, 0xab, 4, 3, 2, 1, 0, 0, 9, 8],
    );
  });

  it("patches an earlier 16-bit field and refuses to patch outside what was written", () => {
    const w = new ByteWriter();
    w.zeros(4).patchU16BE(1, 0xbeef);
    assert.deepEqual([...w.toBytes()], [0, 0xbe, 0xef, 0]);
    assert.throws(() => w.patchU16BE(3, 1), RangeError);
  });
});
