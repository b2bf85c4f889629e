import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { joinTimestamp, TimestampScale } from "../../../src/packet/file/_timestamp.js";

function reference(high: number, low: number, tsresol: number, offset: number): [number, number] {
  const units = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol & 0x7f);
  const value = (BigInt(high) << 32n) | BigInt(low);
  const seconds = value / units;
  const nanos = ((value % units) * 1_000_000_000n) / units;
  return [Number(seconds) + offset, Number(nanos)];
}

const RESOLUTIONS = [
  0,
  1,
  3,
  6,
  9,
  10,
  12,
  15,
  19,
  0x80,
  0x80 | 1,
  0x80 | 10,
  0x80 | 20,
  0x80 | 29,
  0x80 | 30,
  0x80 | 31,
  0x80 | 32,
  0x80 | 40,
  0x80 | 63,
];
const u32 = fc.integer({ min: 0, max: 0xffffffff });

describe("timestamp scaling", () => {
  test("split() matches exact BigInt arithmetic for every resolution and 64-bit value", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RESOLUTIONS),
        u32,
        u32,
        fc.integer({ min: -1e6, max: 1e6 }),
        (tsresol, high, low, offset) => {
          const scale = new TimestampScale(tsresol, offset);
          scale.split(high, low);
          const [seconds, nanos] = reference(high, low, tsresol, offset);
          // Beyond 2^53 seconds both sides round the same exact quotient to a number.
          assert.equal(scale.seconds, seconds);
          assert.equal(scale.nanos, nanos);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test("edge values: zero, all ones, and the boundaries of the fast path", () => {
    for (const tsresol of RESOLUTIONS) {
      for (const [high, low] of [
        [0, 0],
        [0xffffffff, 0xffffffff],
        [0x1fffff, 0xffffffff],
        [0x200000, 0],
        [0x3b9ac9ff, 0xffffffff],
      ] as const) {
        const scale = new TimestampScale(tsresol);
        scale.split(high, low);
        assert.deepEqual(
          [scale.seconds, scale.nanos],
          reference(high, low, tsresol, 0),
          `${tsresol} ${high} ${low}`,
        );
      }
    }
  });

  test("joinTimestamp() is the inverse of split() at the resolution's precision", () => {
    const low = new Uint32Array(1);
    fc.assert(
      fc.property(
        fc.constantFrom(3, 6, 9, 0x80 | 20, 0x80 | 30),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.integer({ min: 0, max: 999_999_999 }),
        (tsresol, seconds, nanos) => {
          const high = joinTimestamp(seconds, nanos, tsresol, low);
          const scale = new TimestampScale(tsresol);
          scale.split(high, low[0]!);
          assert.equal(scale.seconds, seconds);
          const step = 1e9 / scale.units;
          assert.ok(
            nanos - scale.nanos >= 0 && nanos - scale.nanos < step + 1,
            `${nanos} -> ${scale.nanos}`,
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
