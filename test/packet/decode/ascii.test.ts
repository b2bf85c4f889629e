/**
 * The byte writers behind the fast line formatter: decimal numbers as String(n) writes them,
 * fixed-width fractions, dotted quads, and text that must stay ASCII.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  putAscii,
  putDecimal,
  putFixedDecimal,
  putIPv4,
  putTextIfAscii,
} from "../../../src/packet/decode/_ascii.js";

const buf = new Uint8Array(64);

/** Runs a writer at offset 3 and returns what it wrote, checking the offset it returned. */
function written(write: (dst: Uint8Array, at: number) => number): string {
  buf.fill(0x23);
  const end = write(buf, 3);
  assert.equal(buf[2], 0x23, "nothing written before the offset");
  assert.equal(buf[end], 0x23, "nothing written past the returned end");
  return Buffer.from(buf.subarray(3, end)).toString("latin1");
}

describe("putDecimal", () => {
  it("writes what String(n) writes at every digit count", () => {
    const edges = [0, 9, 10, 99, 100, 999, 1000, 65535, 99999, 100000, 999999999, 1e9];
    edges.push(4294967295, 9999999999, 1e10, 123456789012345, 2 ** 53);
    for (const n of edges)
      assert.equal(
        written((d, at) => putDecimal(d, at, n)),
        String(n),
      );
  });

  it("writes what String(n) writes for any safe integer", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => written((d, at) => putDecimal(d, at, n)) === String(n)),
      { numRuns: 2000 },
    );
  });
});

describe("putFixedDecimal", () => {
  it("zero-pads to the width, odd and even", () => {
    assert.equal(
      written((d, at) => putFixedDecimal(d, at, 0, 6)),
      "000000",
    );
    assert.equal(
      written((d, at) => putFixedDecimal(d, at, 1532, 6)),
      "001532",
    );
    assert.equal(
      written((d, at) => putFixedDecimal(d, at, 999999999, 9)),
      "999999999",
    );
    assert.equal(
      written((d, at) => putFixedDecimal(d, at, 7, 9)),
      "000000007",
    );
  });
});

describe("putIPv4", () => {
  it("writes a dotted quad of one- to three-digit parts", () => {
    const addr = new Uint8Array([1, 127, 0, 0, 1, 255, 10, 99]);
    assert.equal(
      written((d, at) => putIPv4(d, at, addr, 1)),
      "127.0.0.1",
    );
    assert.equal(
      written((d, at) => putIPv4(d, at, addr, 4)),
      "1.255.10.99",
    );
  });
});

describe("putAscii and putTextIfAscii", () => {
  it("write ASCII text as its bytes", () => {
    assert.equal(
      written((d, at) => putAscii(d, at, ", win ")),
      ", win ",
    );
    assert.equal(
      written((d, at) => putTextIfAscii(d, at, "A? x. (29)")),
      "A? x. (29)",
    );
  });

  it("putTextIfAscii declines text beyond ASCII", () => {
    assert.equal(putTextIfAscii(buf, 0, "caf\u00e9"), -1);
  });

  it("putTextIfAscii declines text that would leave no byte free after it", () => {
    const small = new Uint8Array(8);
    assert.equal(putTextIfAscii(small, 2, "123456"), -1);
    assert.equal(putTextIfAscii(small, 2, "12345"), 7);
  });
});
