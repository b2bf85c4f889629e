import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  CaptureFileError,
  CaptureParser,
  FileSink,
  LINKTYPE,
  MemorySink,
  type PacketRecord,
  PcapngWriter,
  PcapWriter,
  readCaptureBytes,
  readCaptureFile,
} from "../../../src/packet/file/index.js";
import { concat, epb, frame, idb, pcapHeader, pcapRecord, shb, textOption } from "./_build.js";

function isUnwritable(error: unknown): boolean {
  return error instanceof CaptureFileError && error.code === "UNWRITABLE";
}

describe("PcapWriter", () => {
  for (const littleEndian of [true, false]) {
    for (const nanosecond of [false, true]) {
      test(`writes byte-exact ${nanosecond ? "nanosecond" : "microsecond"} ${littleEndian ? "little" : "big"}-endian files`, () => {
        const sink = new MemorySink();
        const writer = new PcapWriter(sink, {
          linkType: LINKTYPE.RAW,
          snaplen: 65535,
          nanosecond,
          littleEndian,
        });
        writer.write({
          seconds: 1_700_000_000,
          nanos: 123_456_789,
          data: frame(20),
          originalLength: 40,
        });
        writer.write({ seconds: 7, nanos: 0, data: frame(3, 5) });
        writer.close();
        const frac = nanosecond ? 123_456_789 : 123_456;
        const expected = concat(
          pcapHeader({
            magic: nanosecond ? 0xa1b23c4d : 0xa1b2c3d4,
            littleEndian,
            snaplen: 65535,
            linkField: 101,
          }),
          pcapRecord(littleEndian, 1_700_000_000, frac, frame(20), 40),
          pcapRecord(littleEndian, 7, 0, frame(3, 5)),
        );
        assert.deepEqual(sink.bytes(), expected);
        assert.equal(writer.recordCount, 2);
      });
    }
  }

  test("cuts packets to the snaplen and keeps their original length", () => {
    const sink = new MemorySink();
    const writer = new PcapWriter(sink, { linkType: 1, snaplen: 10 });
    writer.write({ seconds: 1, nanos: 0, data: frame(50) });
    writer.write({
      seconds: 1,
      nanos: 0,
      data: frame(50),
      capturedLength: 4,
      originalLength: 1000,
    });
    const records = readCaptureBytes(sink.bytes());
    assert.deepEqual(
      records.map((r) => [r.capturedLength, r.originalLength]),
      [
        [10, 50],
        [4, 1000],
      ],
    );
    assert.deepEqual(records[1]!.data, frame(4));
  });

  test("records the FCS length in the link type field", () => {
    const sink = new MemorySink();
    new PcapWriter(sink, { linkType: 1, fcsLength: 4 }).close();
    const parser = new CaptureParser();
    parser.push(sink.bytes());
    parser.next();
    assert.equal(parser.pcapHeader!.linkType, 1);
    assert.equal(parser.pcapHeader!.fcsLength, 4);
  });

  test("refuses what a pcap record cannot hold", () => {
    const writer = new PcapWriter(new MemorySink(), { linkType: 1 });
    assert.throws(() => writer.write({ seconds: -1, nanos: 0, data: frame(1) }), isUnwritable);
    assert.throws(() => writer.write({ seconds: 2 ** 32, nanos: 0, data: frame(1) }), isUnwritable);
    assert.throws(() => writer.write({ seconds: 1.5, nanos: 0, data: frame(1) }), isUnwritable);
    assert.throws(() => writer.write({ seconds: 1, nanos: 1e9, data: frame(1) }), isUnwritable);
    assert.throws(() => new PcapWriter(new MemorySink(), { linkType: -1 }), RangeError);
    assert.throws(() => new PcapWriter(new MemorySink(), { linkType: 1, snaplen: 0 }), RangeError);
    assert.throws(
      () => new PcapWriter(new MemorySink(), { linkType: 1, fcsLength: 3 }),
      RangeError,
    );
  });
});

describe("PcapngWriter", () => {
  test("writes byte-exact blocks", () => {
    const sink = new MemorySink();
    const writer = new PcapngWriter(sink, { comment: "hi" });
    const id = writer.addInterface({ linkType: 1, snaplen: 100, name: "lo" });
    writer.write({ interfaceId: id, seconds: 2, nanos: 3000, data: frame(5), comment: "pkt" });
    writer.close();
    const expected = concat(
      shb(true, [textOption(1, "hi"), textOption(4, "evnet")]),
      idb(true, 1, 100, [textOption(2, "lo")]),
      epb(true, 0, 2_000_003n, frame(5), 5, [textOption(1, "pkt")]),
    );
    assert.deepEqual(sink.bytes(), expected);
  });

  test("round-trips sections, interfaces, packets, comments, flags and names", () => {
    const sink = new MemorySink();
    const writer = new PcapngWriter(sink, {
      comment: "one",
      hardware: "hw",
      os: "Linux",
      userApplication: "test",
    });
    const eth = writer.addInterface({
      linkType: LINKTYPE.ETHERNET,
      name: "eth0",
      description: "uplink",
      comment: "watch it",
      snaplen: 64,
      tsresol: 9,
      filter: "tcp",
      os: "Linux 6",
      hardware: "nic",
      speed: 1e9,
      fcsLength: 0,
    });
    const raw = writer.addInterface({
      linkType: LINKTYPE.RAW,
      tsresol: 0x80 | 20,
      tsoffset: 1_000_000,
    });
    writer.write({
      interfaceId: eth,
      seconds: 1_700_000_000,
      nanos: 999_999_999,
      data: frame(100),
      comment: "big",
      flags: 2,
    });
    writer.write({ interfaceId: raw, seconds: 1_700_000_001, nanos: 500_000_000, data: frame(20) });
    writer.addNameResolution([
      { address: "10.1.2.3", names: ["a.example", "b.example"] },
      { address: "2001:db8::1", names: ["six.example"] },
    ]);
    writer.writeSimple(frame(90));
    writer.newSection({ littleEndian: false, comment: "two" });
    const sll = writer.addInterface({ linkType: LINKTYPE.LINUX_SLL2, snaplen: 0 });
    writer.write({ interfaceId: sll, seconds: 3, nanos: 4000, data: frame(7), originalLength: 70 });
    writer.close();

    const parser = new CaptureParser();
    parser.push(sink.bytes());
    const records: PacketRecord[] = [];
    for (let r = parser.next(); r; r = parser.next()) records.push(r);
    assert.equal(parser.end(), null);
    assert.deepEqual(
      parser.sections.map((s) => [s.littleEndian, s.sectionLength, s.comment, s.interfaces.length]),
      [
        [true, -1, "one", 2],
        [false, -1, "two", 1],
      ],
    );
    const first = parser.sections[0]!;
    assert.deepEqual([first.hardware, first.os, first.userApplication], ["hw", "Linux", "test"]);
    assert.deepEqual(first.interfaces[0], {
      linkType: 1,
      fileLinkType: 1,
      snaplen: 64,
      tsresol: 9,
      tsoffset: 0,
      name: "eth0",
      description: "uplink",
      comment: "watch it",
      filter: "tcp",
      os: "Linux 6",
      hardware: "nic",
      speed: 1e9,
      fcsLength: 0,
    });
    assert.equal(first.interfaces[1]!.tsoffset, 1_000_000);
    assert.deepEqual(
      records.map((r) => [
        r.interfaceId,
        r.linkType,
        r.seconds,
        r.nanos,
        r.capturedLength,
        r.originalLength,
        r.comment,
        r.flags,
      ]),
      [
        [0, 1, 1_700_000_000, 999_999_999, 64, 100, "big", 2],
        [1, 101, 1_700_000_001, 500_000_000, 20, 20, undefined, undefined],
        [0, 1, 0, 0, 64, 90, undefined, undefined],
        [0, 276, 3, 4000, 7, 70, undefined, undefined],
      ],
    );
    assert.deepEqual(records[0]!.data, frame(64));
    assert.deepEqual(parser.nameResolution, [
      { address: "10.1.2.3", names: ["a.example", "b.example"] },
      { address: "2001:db8::1", names: ["six.example"] },
    ]);
  });

  test("refuses records and arguments the format cannot hold", () => {
    const writer = new PcapngWriter(new MemorySink());
    assert.throws(() => writer.write({ seconds: 1, nanos: 0, data: frame(1) }), isUnwritable);
    assert.throws(() => writer.writeSimple(frame(1)), isUnwritable);
    writer.addInterface({ linkType: 1, tsoffset: 100 });
    assert.throws(
      () => writer.write({ interfaceId: 1, seconds: 1, nanos: 0, data: frame(1) }),
      isUnwritable,
    );
    assert.throws(() => writer.write({ seconds: 99, nanos: 0, data: frame(1) }), isUnwritable);
    assert.throws(() => writer.write({ seconds: 200, nanos: -1, data: frame(1) }), isUnwritable);
    assert.throws(() => writer.addInterface({ linkType: 70000 }), RangeError);
    assert.throws(() => writer.addInterface({ linkType: 1, tsresol: 256 }), RangeError);
    assert.throws(
      () => writer.addNameResolution([{ address: "nowhere", names: ["x"] }]),
      RangeError,
    );
    assert.throws(() => writer.addNameResolution([{ address: "1.2.3.4", names: [] }]), RangeError);
  });
});

describe("sinks", () => {
  test("FileSink on a path writes everything through a small buffer", () => {
    const dir = mkdtempSync(join(tmpdir(), "evnet-sink-"));
    try {
      const path = join(dir, "a.pcap");
      const writer = new PcapWriter(new FileSink(path, { bufferSize: 64 }), { linkType: 1 });
      for (let i = 0; i < 50; i++)
        writer.write({ seconds: i, nanos: i * 1000, data: frame(i * 3, i) });
      writer.close();
      const records = [...readCaptureFile(path, { copy: true })];
      assert.equal(records.length, 50);
      records.forEach((r, i) => {
        assert.equal(r.seconds, i);
        assert.deepEqual(r.data, frame(i * 3, i));
      });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("a writer given a file descriptor leaves it open", () => {
    const dir = mkdtempSync(join(tmpdir(), "evnet-sink-"));
    try {
      const path = join(dir, "b.pcapng");
      const fd = openSync(path, "w");
      const writer = new PcapngWriter(fd);
      writer.addInterface({ linkType: 1 });
      writer.write({ seconds: 1, nanos: 0, data: frame(9) });
      writer.close();
      closeSync(fd); // would throw EBADF had the writer closed it
      assert.equal(readCaptureBytes(readFileSync(path)).length, 1);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("MemorySink grows and returns a copy", () => {
    const sink = new MemorySink();
    sink.write(frame(5000));
    sink.write(frame(5000, 1));
    const bytes = sink.bytes();
    assert.equal(sink.length, 10000);
    assert.deepEqual(bytes.subarray(5000), frame(5000, 1));
    sink.write(frame(1));
    assert.equal(bytes.length, 10000);
  });
});
