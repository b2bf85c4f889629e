// Corrupted input never escapes as anything but a CaptureFileError: byte flips and random
// tails on the sample captures, parsed whole and in chunks.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { CaptureFileError, CaptureParser } from "../../../src/packet/file/index.js";
import { samples } from "./_samples.js";

function parseChunked(bytes: Uint8Array, chunk: number): number {
  const parser = new CaptureParser();
  let records = 0;
  for (let at = 0; at < bytes.length; at += chunk) {
    parser.push(bytes.slice(at, at + chunk));
    for (let r = parser.next(); r; r = parser.next()) {
      assert.equal(r.data.length, r.capturedLength);
      assert.ok(r.nanos >= 0 && r.nanos < 1e9, `nanos ${r.nanos}`);
      records++;
    }
  }
  parser.end();
  while (parser.next()) records++;
  return records;
}

function onlyCaptureFileErrors(bytes: Uint8Array, chunk: number): void {
  try {
    parseChunked(bytes, chunk);
  } catch (error) {
    if (!(error instanceof CaptureFileError)) throw error;
    assert.ok(error.code.length > 0);
  }
}

const all = samples();

test("byte flips in sample captures raise only CaptureFileError", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: all.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.integer({ min: 1, max: 64 }),
      (which, flips, chunk) => {
        const bytes = all[which]!.bytes.slice();
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        onlyCaptureFileErrors(bytes, chunk);
      },
    ),
    { numRuns: 3000 },
  );
});

test("random bytes after a valid header raise only CaptureFileError", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: all.length - 1 }),
      fc.uint8Array({ maxLength: 400 }),
      fc.integer({ min: 1, max: 500 }),
      (which, tail, chunk) => {
        const sample = all[which]!;
        const bytes = new Uint8Array(sample.headerLength + tail.length);
        bytes.set(sample.bytes.subarray(0, sample.headerLength));
        bytes.set(tail, sample.headerLength);
        onlyCaptureFileErrors(bytes, chunk);
      },
    ),
    { numRuns: 3000 },
  );
});
