import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  CaptureFileError,
  CaptureFileReader,
  LINKTYPE,
  MemorySink,
  PcapngWriter,
  readCaptureFile,
} from "../../../src/packet/file/index.js";
import { frame } from "./_build.js";

describe("readCaptureFile", () => {
  test("records straddling buffer fills and one larger than the buffer arrive intact", () => {
    const dir = mkdtempSync(join(tmpdir(), "evnet-reader-"));
    try {
      const sink = new MemorySink();
      const writer = new PcapngWriter(sink);
      writer.addInterface({ linkType: LINKTYPE.ETHERNET, snaplen: 0 });
      const sizes = [1, 5000, 70000, 3 * 1024 * 1024, 17, 300000, 64, 99999];
      for (let round = 0; round < 3; round++) {
        sizes.forEach((size, i) => {
          writer.write({ seconds: round, nanos: i, data: frame(size, i + round) });
        });
      }
      const path = join(dir, "sizes.pcapng");
      writeFileSync(path, sink.bytes());
      for (const bufferSize of [4096, 65536, undefined]) {
        let n = 0;
        for (const rec of readCaptureFile(path, bufferSize === undefined ? {} : { bufferSize })) {
          const size = sizes[n % sizes.length]!;
          // Compare as delivered: the view is only promised until the next record.
          assert.equal(rec.capturedLength, size);
          assert.deepEqual(
            rec.data,
            frame(size, (n % sizes.length) + Math.floor(n / sizes.length)),
          );
          n++;
        }
        assert.equal(n, sizes.length * 3);
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("bad input in a file throws CaptureFileError and the reader closes its file", () => {
    const dir = mkdtempSync(join(tmpdir(), "evnet-reader-"));
    try {
      const path = join(dir, "bad.pcap");
      writeFileSync(path, "GET / HTTP/1.1\r\n\r\n");
      const openFds = readdirSync("/proc/self/fd").length;
      assert.throws(
        () => [...readCaptureFile(path)],
        (e: unknown) => e instanceof CaptureFileError && e.code === "BAD_MAGIC",
      );
      const reader = new CaptureFileReader(path);
      assert.throws(() => reader.next(), CaptureFileError);
      reader.close();
      reader.close();
      assert.equal(readdirSync("/proc/self/fd").length, openFds, "no descriptor left open");
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("a missing file is Node's ENOENT, not a capture error", () => {
    assert.throws(() => [...readCaptureFile("/nonexistent/evnet.pcap")], { code: "ENOENT" });
  });
});
