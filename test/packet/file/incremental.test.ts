import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  CaptureParser,
  type PacketRecord,
  readCaptureBytes,
} from "../../../src/packet/file/index.js";
import { samples } from "./_samples.js";

/** Everything a record says, taken at the moment it is delivered (views may go stale later). */
function summary(r: PacketRecord): unknown[] {
  return [
    r.interfaceId,
    r.linkType,
    r.seconds,
    r.nanos,
    r.capturedLength,
    r.originalLength,
    r.comment,
    r.flags,
    Array.from(r.data),
  ];
}

function feed(bytes: Uint8Array, cuts: number[]): unknown[][] {
  const parser = new CaptureParser();
  const out: unknown[][] = [];
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    // A fresh copy per chunk: the caller may reuse its own buffer after push() returns.
    parser.push(bytes.slice(from, to));
    for (let r = parser.next(); r; r = parser.next()) out.push(summary(r));
    from = to;
  }
  assert.equal(parser.end(), null);
  return out;
}

describe("incremental parsing", () => {
  for (const sample of samples()) {
    const whole = readCaptureBytes(sample.bytes).map(summary);

    test(`${sample.name}: every split point gives the same records`, () => {
      for (let cut = 0; cut <= sample.bytes.length; cut++) {
        assert.deepEqual(feed(sample.bytes, [cut]), whole, `split at ${cut}`);
      }
    });

    test(`${sample.name}: one byte at a time gives the same records`, () => {
      const cuts = Array.from({ length: sample.bytes.length - 1 }, (_, i) => i + 1);
      assert.deepEqual(feed(sample.bytes, cuts), whole);
    });

    test(`${sample.name}: random chunkings give the same records`, () => {
      const n = sample.bytes.length;
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: 12 }),
          (cuts) => {
            assert.deepEqual(
              feed(
                sample.bytes,
                cuts.sort((a, b) => a - b),
              ),
              whole,
            );
          },
        ),
        { numRuns: 200 },
      );
    });

    test(`${sample.name}: reading through reserve/commit in small pieces gives the same records`, () => {
      const parser = new CaptureParser({ bufferSize: 16 });
      const out: unknown[][] = [];
      let at = 0;
      while (at < sample.bytes.length) {
        const area = parser.reserve(3);
        assert.ok(area.length >= 3);
        const n = Math.min(area.length, 3 + (at % 5), sample.bytes.length - at);
        area.set(sample.bytes.subarray(at, at + n));
        parser.commit(n);
        at += n;
        for (let r = parser.next(); r; r = parser.next()) out.push(summary(r));
      }
      assert.equal(parser.end(), null);
      assert.deepEqual(out, whole);
    });
  }

  test("commit() refuses more bytes than were reserved", () => {
    const parser = new CaptureParser({ bufferSize: 16 });
    const area = parser.reserve(4);
    assert.throws(() => parser.commit(area.length + 1), RangeError);
  });

  test("push() after end() is refused", () => {
    const parser = new CaptureParser();
    parser.push(samples()[0]!.bytes);
    while (parser.next()) {}
    parser.end();
    assert.throws(() => parser.push(new Uint8Array(1)), TypeError);
  });
});
