import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CaptureFileError,
  CaptureParser,
  LINKTYPE,
  type PacketRecord,
} from "../../../src/packet/file/index.js";
import {
  Bytes,
  block,
  concat,
  epb,
  frame,
  i64Option,
  idb,
  opb,
  shb,
  spb,
  textOption,
  u8Option,
  u32Option,
} from "./_build.js";

function parseAll(bytes: Uint8Array): { parser: CaptureParser; records: PacketRecord[] } {
  const parser = new CaptureParser({ copy: true });
  parser.push(bytes);
  const records: PacketRecord[] = [];
  for (let r = parser.next(); r; r = parser.next()) records.push(r);
  parser.end();
  return { parser, records };
}

function expectCode(bytes: Uint8Array, code: string): CaptureFileError {
  let caught: unknown;
  try {
    parseAll(bytes);
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof CaptureFileError,
    `expected CaptureFileError ${code}, got ${String(caught)}`,
  );
  assert.equal(caught.code, code, caught.message);
  return caught;
}

const ORDERS = [
  { name: "little-endian", le: true },
  { name: "big-endian", le: false },
];

describe("pcapng reader", () => {
  for (const { name, le } of ORDERS) {
    test(`${name}: SHB options, IDB options, EPB with comments and flags`, () => {
      const bytes = concat(
        shb(le, [
          textOption(1, "first section"),
          textOption(2, "x86"),
          textOption(3, "Linux"),
          textOption(4, "hand-built"),
        ]),
        idb(le, LINKTYPE.ETHERNET, 128, [
          textOption(2, "eth0"),
          textOption(3, "uplink"),
          u8Option(9, 9),
          i64Option(le, 8, 10_000_000_000n),
          u8Option(13, 4),
          [11, Uint8Array.of(0, ...new TextEncoder().encode("tcp port 80"))],
          textOption(1, "iface note"),
        ]),
        epb(le, 0, 1_700_000_000_123_456_789n, frame(61, 3), 1500, [
          textOption(1, "one"),
          textOption(1, "two"),
          u32Option(le, 2, 0x00000001),
        ]),
        epb(le, 0, 5n, frame(4)),
      );
      const { parser, records } = parseAll(bytes);
      assert.equal(parser.format, "pcapng");
      assert.deepEqual(parser.sections, [
        {
          littleEndian: le,
          majorVersion: 1,
          minorVersion: 0,
          sectionLength: -1,
          comment: "first section",
          hardware: "x86",
          os: "Linux",
          userApplication: "hand-built",
          interfaces: [
            {
              linkType: 1,
              fileLinkType: 1,
              snaplen: 128,
              tsresol: 9,
              tsoffset: 0,
              name: "eth0",
              description: "uplink",
              speed: 10_000_000_000,
              fcsLength: 4,
              filter: "tcp port 80",
              comment: "iface note",
            },
          ],
        },
      ]);
      assert.equal(records.length, 2);
      const [a, b] = records as [PacketRecord, PacketRecord];
      assert.equal(a.seconds, 1_700_000_000);
      assert.equal(a.nanos, 123_456_789);
      assert.equal(a.capturedLength, 61);
      assert.equal(a.originalLength, 1500);
      assert.deepEqual(a.data, frame(61, 3));
      assert.equal(a.comment, "one\ntwo");
      assert.equal(a.flags, 1);
      assert.equal(b.seconds, 0);
      assert.equal(b.nanos, 5);
      assert.equal(b.comment, undefined);
    });

    test(`${name}: SPB takes interface 0's snaplen, OPB is read like an EPB`, () => {
      const bytes = concat(
        shb(le),
        idb(le, LINKTYPE.RAW, 10),
        idb(le, LINKTYPE.ETHERNET, 0),
        spb(le, 100, frame(10)),
        spb(le, 3, frame(3)),
        opb(le, 1, 2_000_001n, frame(7), [textOption(1, "old")]),
      );
      const { records } = parseAll(bytes);
      assert.deepEqual(
        records.map((r) => [
          r.interfaceId,
          r.linkType,
          r.capturedLength,
          r.originalLength,
          r.seconds,
          r.nanos,
        ]),
        [
          [0, LINKTYPE.RAW, 10, 100, 0, 0],
          [0, LINKTYPE.RAW, 3, 3, 0, 0],
          [1, LINKTYPE.ETHERNET, 7, 7, 2, 1000],
        ],
      );
      assert.deepEqual(records[0]!.data, frame(10));
      assert.equal(records[2]!.comment, "old");
    });

    test(`${name}: NRB records become nameResolution entries`, () => {
      const body = new Bytes(le)
        .u16(1)
        .u16(4 + 10 + 4)
        .u8(127, 0, 0, 1)
        .text("localhost\0")
        .text("lo4\0")
        .padTo4()
        .u16(2)
        .u16(16 + 4)
        .raw([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        .text("ip6\0")
        .u16(99) // an unknown record type is skipped
        .u16(3)
        .u8(1, 2, 3)
        .padTo4()
        .u16(0)
        .u16(0);
      const { parser } = parseAll(concat(shb(le), block(le, 4, body, [textOption(1, "names")])));
      assert.deepEqual(parser.nameResolution, [
        { address: "127.0.0.1", names: ["localhost", "lo4"] },
        { address: "::1", names: ["ip6"] },
      ]);
    });
  }

  test("several sections, each with its byte order and its own interface ids", () => {
    const bytes = concat(
      shb(true, [], 200n),
      idb(true, LINKTYPE.ETHERNET, 0),
      epb(true, 0, 1_000_000n, frame(5)),
      shb(false),
      idb(false, LINKTYPE.LINUX_SLL, 0, [textOption(2, "any")]),
      idb(false, LINKTYPE.IPV4, 0, [u8Option(9, 3)]),
      epb(false, 1, 1500n, frame(6)),
      epb(false, 0, 2_000_000n, frame(7)),
    );
    const { parser, records } = parseAll(bytes);
    assert.deepEqual(
      parser.sections.map((s) => [s.littleEndian, s.sectionLength, s.interfaces.length]),
      [
        [true, 200, 1],
        [false, -1, 2],
      ],
    );
    assert.equal(parser.interfaces, parser.sections[1]!.interfaces);
    assert.deepEqual(
      records.map((r) => [r.interfaceId, r.linkType, r.seconds, r.nanos, r.capturedLength]),
      [
        [0, LINKTYPE.ETHERNET, 1, 0, 5],
        [1, LINKTYPE.IPV4, 1, 500_000_000, 6],
        [0, LINKTYPE.LINUX_SLL, 2, 0, 7],
      ],
    );
  });

  const resolutions: Array<[string, number, bigint, number, number]> = [
    ["10^-0 (seconds)", 0, 1_700_000_000n, 1_700_000_000, 0],
    ["10^-3 (milliseconds)", 3, 1_700_000_000_250n, 1_700_000_000, 250_000_000],
    ["10^-6 (default microseconds)", 6, 1_700_000_000_000_001n, 1_700_000_000, 1000],
    ["10^-9 (nanoseconds)", 9, 1_700_000_000_999_999_999n, 1_700_000_000, 999_999_999],
    ["10^-12 (picoseconds)", 12, 1_000_000_000_001_500n, 1000, 1],
    ["2^-10", 0x80 | 10, (1_700_000_000n << 10n) | 512n, 1_700_000_000, 500_000_000],
    ["2^-20", 0x80 | 20, (1_000n << 20n) | 1n, 1000, 953],
    ["2^-24", 0x80 | 24, (1_700_000_000n << 24n) | (1n << 22n), 1_700_000_000, 250_000_000],
    ["2^-30", 0x80 | 30, (3n << 30n) | 1n, 3, 0],
    ["2^-32", 0x80 | 32, (1_700_000_000n << 32n) | (1n << 31n), 1_700_000_000, 500_000_000],
  ];
  for (const [label, tsresol, ts, seconds, nanos] of resolutions) {
    test(`if_tsresol ${label} gives exact seconds and nanoseconds`, () => {
      const optionList = tsresol === 6 ? [] : [u8Option(9, tsresol)];
      const { records } = parseAll(
        concat(shb(), idb(true, 1, 0, optionList), epb(true, 0, ts, frame(1))),
      );
      assert.equal(records[0]!.seconds, seconds);
      assert.equal(records[0]!.nanos, nanos);
    });
  }

  test("if_tsoffset is added to the seconds, negative offsets too", () => {
    const { records } = parseAll(
      concat(
        shb(),
        idb(true, 1, 0, [i64Option(true, 14, 1_600_000_000n)]),
        idb(true, 1, 0, [i64Option(true, 14, -10n)]),
        epb(true, 0, 2_500_000n, frame(1)),
        epb(true, 1, 12_000_000n, frame(1)),
      ),
    );
    assert.deepEqual(
      records.map((r) => [r.seconds, r.nanos]),
      [
        [1_600_000_002, 500_000_000],
        [2, 0],
      ],
    );
  });

  for (const { name, le } of ORDERS) {
    test(`${name}: ISB counters and comment become a statistics entry`, () => {
      const counter = (code: number, n: bigint): [number, Uint8Array] => [
        code,
        new Bytes(le).u64(n).bytes(),
      ];
      const body = new Bytes(le).u32(1).u32(0).u32(3_000_001);
      const bytes = concat(
        shb(le),
        idb(le, 1, 0),
        idb(le, 1, 0, [u8Option(9, 3)]),
        block(le, 5, body, [
          textOption(1, "counters"),
          counter(4, 1000n),
          counter(5, 2n),
          counter(6, 900n),
          counter(7, 3n),
          counter(8, 899n),
          counter(2, 5n), // isb_starttime: not a counter, ignored
        ]),
      );
      const { parser } = parseAll(bytes);
      assert.deepEqual(parser.statistics, [
        {
          section: 0,
          interfaceId: 1,
          seconds: 3000,
          nanos: 1_000_000,
          comment: "counters",
          received: 1000,
          dropped: 2,
          filterAccepted: 900,
          osDropped: 3,
          delivered: 899,
        },
      ]);
    });
  }

  test("custom, decryption-secrets and unknown blocks are skipped", () => {
    const filler = new Bytes().u32(0x12345678).u32(42);
    const { records } = parseAll(
      concat(
        shb(),
        idb(true, 1, 0),
        block(true, 5, new Bytes().u32(0).u32(0).u32(0)),
        block(true, 0x00000bad, filler),
        block(true, 0x40000bad, filler),
        block(true, 0x0000000a, filler),
        block(true, 0x7fff1234, new Uint8Array(0)),
        epb(true, 0, 0n, frame(2)),
      ),
    );
    assert.equal(records.length, 1);
  });

  test("an option list without opt_endofopt, ending at the block end, is read", () => {
    const body = new Bytes().u16(1).u16(0).u32(0).u16(2).u16(2).text("lo").padTo4();
    const { parser } = parseAll(concat(shb(), block(true, 1, body)));
    assert.equal(parser.interfaces[0]!.name, "lo");
  });

  const bad = (body: Uint8Array): Uint8Array => concat(shb(), idb(true, 1, 0), body);
  const errors: Array<{ name: string; bytes: Uint8Array; code: string }> = [
    {
      name: "a block length below 12",
      bytes: bad(new Bytes().u32(6).u32(8).u32(8).bytes()),
      code: "BAD_BLOCK_LENGTH",
    },
    {
      name: "a block length that is not a multiple of 4",
      bytes: bad(new Bytes().u32(6).u32(13).u32(0).u8(0).u32(13).bytes()),
      code: "BAD_BLOCK_LENGTH",
    },
    {
      name: "a trailing length that differs from the leading one",
      bytes: bad(new Bytes().u32(99).u32(16).u32(0).u32(20).bytes()),
      code: "BAD_BLOCK_LENGTH",
    },
    {
      name: "a block length beyond the 64 MiB limit",
      bytes: bad(new Bytes().u32(6).u32(0x7ffffff0).bytes()),
      code: "BAD_BLOCK_LENGTH",
    },
    {
      name: "an EPB whose captured length exceeds the block",
      bytes: bad(block(true, 6, new Bytes().u32(0).u32(0).u32(0).u32(100).u32(100).raw(frame(8)))),
      code: "BAD_BLOCK_LENGTH",
    },
    {
      name: "an EPB shorter than its fixed fields",
      bytes: bad(block(true, 6, new Bytes().u32(0).u32(0).u32(0))),
      code: "BAD_BLOCK_LENGTH",
    },
    {
      name: "an SHB shorter than its fixed fields",
      bytes: new Bytes().u32(0x0a0d0d0a).u32(16).u32(0x1a2b3c4d).u32(16).bytes(),
      code: "BAD_BLOCK_LENGTH",
    },
    {
      name: "a byte-order magic that is neither order",
      bytes: new Bytes()
        .u32(0x0a0d0d0a)
        .u32(28)
        .u32(0x11223344)
        .u32(1)
        .u32(0)
        .u32(0)
        .u32(28)
        .bytes(),
      code: "BAD_BYTE_ORDER",
    },
    { name: "pcapng major version 2", bytes: shb(true, [], -1n, 2), code: "UNSUPPORTED_VERSION" },
    {
      name: "an EPB naming an interface that was not described",
      bytes: concat(shb(), idb(true, 1, 0), epb(true, 1, 0n, frame(4))),
      code: "UNKNOWN_INTERFACE",
    },
    {
      name: "an EPB in a new section naming an interface of the previous one",
      bytes: concat(shb(), idb(true, 1, 0), shb(), epb(true, 0, 0n, frame(4))),
      code: "UNKNOWN_INTERFACE",
    },
    {
      name: "an SPB before any IDB",
      bytes: concat(shb(), spb(true, 4, frame(4))),
      code: "UNKNOWN_INTERFACE",
    },
    {
      name: "an option running past its block",
      bytes: concat(
        shb(),
        block(true, 1, new Bytes().u16(1).u16(0).u32(0).u16(2).u16(40).text("lo")),
      ),
      code: "BAD_OPTION",
    },
    {
      name: "an if_tsoffset shorter than 8 bytes",
      bytes: concat(shb(), idb(true, 1, 0, [[14, Uint8Array.of(1, 2, 3, 4)]])),
      code: "BAD_OPTION",
    },
    {
      name: "an if_tsresol with no value byte",
      bytes: concat(shb(), idb(true, 1, 0, [[9, new Uint8Array(0)]])),
      code: "BAD_OPTION",
    },
    {
      name: "an ISB naming an interface that was not described",
      bytes: concat(shb(), block(true, 5, new Bytes().u32(0).u32(0).u32(0))),
      code: "UNKNOWN_INTERFACE",
    },
    {
      name: "an ISB counter shorter than 8 bytes",
      bytes: concat(
        shb(),
        idb(true, 1, 0),
        block(true, 5, new Bytes().u32(0).u32(0).u32(0), [[4, Uint8Array.of(1)]]),
      ),
      code: "BAD_OPTION",
    },
    {
      name: "a name record running past its block",
      bytes: concat(shb(), block(true, 4, new Bytes().u16(1).u16(200).u8(127, 0, 0, 1))),
      code: "BAD_NAME_RECORD",
    },
    {
      name: "an IPv6 name record too short for its address",
      bytes: concat(shb(), block(true, 4, new Bytes().u16(2).u16(4).u8(0, 0, 0, 1).u16(0).u16(0))),
      code: "BAD_NAME_RECORD",
    },
    { name: "a cut section header", bytes: shb().subarray(0, 20), code: "TRUNCATED" },
  ];
  for (const e of errors) {
    test(`rejects ${e.name} with ${e.code}`, () => {
      const error = expectCode(e.bytes, e.code);
      assert.ok(error.offset >= 0, "the error names an offset");
      assert.match(error.message, /at byte \d+/);
    });
  }

  test("errors carry the offset of the offending block", () => {
    const head = concat(shb(), idb(true, 1, 0), epb(true, 0, 0n, frame(4)));
    const error = expectCode(concat(head, epb(true, 7, 0n, frame(4))), "UNKNOWN_INTERFACE");
    assert.equal(error.offset, head.length);
  });
});
