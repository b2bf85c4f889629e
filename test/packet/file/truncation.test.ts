import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  CaptureFileError,
  type PacketRecord,
  readCaptureBytes,
  readCaptureFile,
} from "../../../src/packet/file/index.js";
import { samples } from "./_samples.js";

describe("truncated input", () => {
  for (const sample of samples()) {
    test(`${sample.name}: a cut at every byte offset delivers every complete record before it`, () => {
      const complete = readCaptureBytes(sample.bytes, { copy: true });
      assert.equal(complete.length, sample.packetEnds.length);
      for (let cut = 0; cut < sample.bytes.length; cut++) {
        const warnings: CaptureFileError[] = [];
        let records: PacketRecord[];
        try {
          records = readCaptureBytes(sample.bytes.subarray(0, cut), {
            onWarning: (w) => warnings.push(w),
          });
        } catch (error) {
          assert.ok(error instanceof CaptureFileError, `cut ${cut}: threw ${String(error)}`);
          assert.equal(error.code, "TRUNCATED", `cut ${cut}`);
          assert.ok(
            cut < sample.headerLength,
            `cut ${cut}: threw although the header was complete`,
          );
          continue;
        }
        assert.ok(cut >= sample.headerLength, `cut ${cut}: a cut header must throw`);
        const expected = sample.packetEnds.filter((end) => end <= cut).length;
        assert.equal(records.length, expected, `cut ${cut}: records`);
        for (let i = 0; i < expected; i++) {
          assert.deepEqual(records[i]!.data, complete[i]!.data, `cut ${cut}: record ${i}`);
          assert.equal(records[i]!.seconds, complete[i]!.seconds);
          assert.equal(records[i]!.nanos, complete[i]!.nanos);
        }
        const atBoundary = sample.boundaries.includes(cut);
        assert.equal(warnings.length, atBoundary ? 0 : 1, `cut ${cut}: warnings`);
        if (!atBoundary) {
          assert.equal(warnings[0]!.code, "TRUNCATED");
          const lastBoundary = Math.max(...sample.boundaries.filter((b) => b <= cut));
          assert.equal(warnings[0]!.offset, lastBoundary, `cut ${cut}: offset of the cut record`);
        }
      }
    });
  }

  test("readCaptureFile yields the complete records, then reports the cut one", () => {
    const sample = samples()[2]!;
    const dir = mkdtempSync(join(tmpdir(), "evnet-trunc-"));
    try {
      const path = join(dir, "cut.pcapng");
      writeFileSync(path, sample.bytes.subarray(0, sample.bytes.length - 10));
      const warnings: CaptureFileError[] = [];
      const lengths = [...readCaptureFile(path, { onWarning: (w) => warnings.push(w) })].map(
        (r) => r.capturedLength,
      );
      assert.deepEqual(lengths, [17, 5, 6]);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]!.code, "TRUNCATED");
      const strictRead = () => [...readCaptureFile(path, { strict: true })];
      assert.throws(
        strictRead,
        (e: unknown) => e instanceof CaptureFileError && e.code === "TRUNCATED",
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("without onWarning, a truncation becomes a process warning", async () => {
    const sample = samples()[0]!;
    const seen = new Promise<Error>((resolve) => process.once("warning", resolve));
    const records = readCaptureBytes(sample.bytes.subarray(0, sample.bytes.length - 1));
    assert.equal(records.length, 2);
    const warning = await seen;
    assert.equal(warning.name, "CaptureFileWarning");
    assert.match(warning.message, /truncated/);
  });
});
