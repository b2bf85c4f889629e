import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CaptureFileError,
  CaptureParser,
  LINKTYPE,
  readCaptureBytes,
} from "../../../src/packet/file/index.js";
import { concat, frame, pcapHeader, pcapRecord } from "./_build.js";

function expectCode(fn: () => unknown, code: string): CaptureFileError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof CaptureFileError,
    `expected CaptureFileError ${code}, got ${String(caught)}`,
  );
  assert.equal(caught.code, code);
  return caught;
}

describe("pcap reader", () => {
  const cases = [
    {
      name: "microsecond, little-endian",
      magic: 0xa1b2c3d4,
      le: true,
      frac: 123456,
      nanos: 123456000,
    },
    {
      name: "microsecond, big-endian",
      magic: 0xa1b2c3d4,
      le: false,
      frac: 123456,
      nanos: 123456000,
    },
    {
      name: "nanosecond, little-endian",
      magic: 0xa1b23c4d,
      le: true,
      frac: 987654321,
      nanos: 987654321,
    },
    {
      name: "nanosecond, big-endian",
      magic: 0xa1b23c4d,
      le: false,
      frac: 987654321,
      nanos: 987654321,
    },
  ];
  for (const c of cases) {
    test(`reads ${c.name} records with their timestamps and lengths`, () => {
      const bytes = concat(
        pcapHeader({
          magic: c.magic,
          littleEndian: c.le,
          snaplen: 96,
          linkField: LINKTYPE.LINUX_SLL2,
        }),
        pcapRecord(c.le, 1700000000, c.frac, frame(60, 1), 1514),
        pcapRecord(c.le, 1700000001, 0, frame(3, 9)),
      );
      const parser = new CaptureParser();
      parser.push(bytes);
      const first = parser.next();
      const second = parser.next();
      assert.equal(parser.next(), null);
      assert.equal(parser.end(), null);
      assert.equal(parser.format, "pcap");
      assert.deepEqual(parser.pcapHeader, {
        littleEndian: c.le,
        nanosecond: c.magic === 0xa1b23c4d,
        majorVersion: 2,
        minorVersion: 4,
        snaplen: 96,
        linkType: LINKTYPE.LINUX_SLL2,
      });
      assert.equal(parser.interfaces.length, 1);
      assert.equal(parser.interfaces[0]!.snaplen, 96);
      assert.ok(first && second);
      assert.equal(first.interfaceId, 0);
      assert.equal(first.linkType, LINKTYPE.LINUX_SLL2);
      assert.equal(first.seconds, 1700000000);
      assert.equal(first.nanos, c.nanos);
      assert.equal(first.capturedLength, 60);
      assert.equal(first.originalLength, 1514);
      assert.deepEqual(first.data, frame(60, 1));
      assert.equal(second.seconds, 1700000001);
      assert.equal(second.nanos, 0);
      assert.deepEqual(second.data, frame(3, 9));
    });
  }

  test("reads the 24-byte records of Kuznetzov's modified pcap", () => {
    const extra = Uint8Array.of(1, 0, 0, 0, 8, 0, 0, 0);
    const bytes = concat(
      pcapHeader({ magic: 0xa1b2cd34 }),
      pcapRecord(true, 5, 6, frame(10), 10, extra),
    );
    const [rec] = readCaptureBytes(bytes);
    assert.equal(rec!.seconds, 5);
    assert.equal(rec!.nanos, 6000);
    assert.deepEqual(rec!.data, frame(10));
  });

  test("maps the DLT_RAW values 12 and 14 to LINKTYPE_RAW and keeps the stored value", () => {
    for (const stored of [12, 14]) {
      const parser = new CaptureParser();
      parser.push(concat(pcapHeader({ linkField: stored }), pcapRecord(true, 0, 0, frame(20))));
      assert.equal(parser.next()!.linkType, LINKTYPE.RAW);
      assert.equal(parser.interfaces[0]!.fileLinkType, stored);
    }
  });

  test("reads the FCS length carried in the top bits of the link type field", () => {
    const parser = new CaptureParser();
    parser.push(pcapHeader({ linkField: (1 | 0x04000000 | (2 << 28)) >>> 0 }));
    assert.equal(parser.next(), null);
    assert.equal(parser.pcapHeader!.linkType, 1);
    assert.equal(parser.pcapHeader!.fcsLength, 4);
  });

  test("carries a fraction that overflows one second into the seconds", () => {
    const [rec] = readCaptureBytes(concat(pcapHeader(), pcapRecord(true, 10, 2_500_000, frame(1))));
    assert.equal(rec!.seconds, 12);
    assert.equal(rec!.nanos, 500_000_000);
  });

  test("a file with only a header has no records and is not truncated", () => {
    const parser = new CaptureParser();
    parser.push(pcapHeader());
    assert.equal(parser.next(), null);
    assert.equal(parser.end(), null);
    assert.equal(parser.truncation, null);
  });

  test("a zero-length record is delivered", () => {
    const [rec] = readCaptureBytes(
      concat(pcapHeader(), pcapRecord(true, 1, 2, new Uint8Array(0), 60)),
    );
    assert.equal(rec!.capturedLength, 0);
    assert.equal(rec!.originalLength, 60);
  });

  test("copy: true gives records their own bytes", () => {
    const bytes = concat(pcapHeader(), pcapRecord(true, 1, 2, frame(8)));
    const [view] = readCaptureBytes(bytes);
    const [copy] = readCaptureBytes(bytes, { copy: true });
    bytes.fill(0xee, 40);
    assert.equal(view!.data[0], 0xee);
    assert.deepEqual(copy!.data, frame(8));
  });

  const errors: Array<{ name: string; bytes: Uint8Array; code: string; offset: number }> = [
    {
      name: "an unknown magic",
      bytes: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
      code: "BAD_MAGIC",
      offset: 0,
    },
    {
      name: "a text file",
      bytes: new TextEncoder().encode("hello world, not a pcap"),
      code: "BAD_MAGIC",
      offset: 0,
    },
    {
      name: "pcap version 1",
      bytes: pcapHeader({ major: 1 }),
      code: "UNSUPPORTED_VERSION",
      offset: 0,
    },
    {
      name: "a record longer than 262144 and the snaplen",
      bytes: concat(
        pcapHeader({ snaplen: 65535 }),
        new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 5, 0, 0, 0, 0, 0]),
      ),
      code: "BAD_RECORD_LENGTH",
      offset: 24,
    },
    { name: "an empty input", bytes: new Uint8Array(0), code: "TRUNCATED", offset: 0 },
    {
      name: "a cut file header",
      bytes: pcapHeader().subarray(0, 20),
      code: "TRUNCATED",
      offset: 0,
    },
  ];
  for (const e of errors) {
    test(`rejects ${e.name} with ${e.code}`, () => {
      const error = expectCode(() => readCaptureBytes(e.bytes, { onWarning: () => {} }), e.code);
      assert.equal(error.offset, e.offset);
    });
  }

  test("a record as long as a snaplen above 262144 is accepted", () => {
    const big = frame(300000);
    const [rec] = readCaptureBytes(
      concat(pcapHeader({ snaplen: 400000 }), pcapRecord(true, 0, 0, big)),
    );
    assert.equal(rec!.capturedLength, 300000);
  });

  test("a truncated last record is flagged and the records before it are delivered", () => {
    const whole = concat(
      pcapHeader(),
      pcapRecord(true, 1, 0, frame(10)),
      pcapRecord(true, 2, 0, frame(10)),
    );
    const warnings: CaptureFileError[] = [];
    const records = readCaptureBytes(whole.subarray(0, whole.length - 3), {
      onWarning: (w) => warnings.push(w),
    });
    assert.equal(records.length, 1);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.code, "TRUNCATED");
    assert.equal(warnings[0]!.offset, 24 + 26);
    expectCode(
      () => readCaptureBytes(whole.subarray(0, whole.length - 3), { strict: true }),
      "TRUNCATED",
    );
  });
});
