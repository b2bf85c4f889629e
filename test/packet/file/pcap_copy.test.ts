// copyPcapRecords (the copy path of `evnet read -w`) against the record-by-record path it
// replaces: for every pcap fixture and variants of it (both byte orders, nanoseconds, the
// modified format, snaplen-cut records, overflowing fractions, truncated ends, a corrupt
// record), a set of filters and packet counts, both must write the same bytes, report the
// same truncation and throw the same error after the same records.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  type CompiledBpf,
  type CompiledBpfAt,
  compileBpfToJs,
  compileBpfToJsAt,
} from "../../../src/packet/bpf/index.js";
import {
  CaptureFileError,
  CaptureFileReader,
  canCopyPcapRecords,
  copyPcapRecords,
  MemorySink,
  type PacketRecord,
  PcapWriter,
  readCaptureBytes,
} from "../../../src/packet/file/index.js";
import { compileFilter, FilterError } from "../../../src/packet/filter/index.js";
import { concat, pcapHeader, pcapRecord } from "./_build.js";

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = [
  join(here, "../../fixtures/packet"),
  join(process.cwd(), "test/fixtures/packet"),
].find((dir) => {
  try {
    readFileSync(join(dir, "files-tcpdump-usec.pcap"));
    return true;
  } catch {
    return false;
  }
});

const EXPRESSIONS = [
  "",
  "tcp",
  "udp",
  "ip6",
  "port 53",
  "not tcp",
  "tcp[tcpflags] & tcp-syn != 0",
  "greater 100",
  "less 80",
  "ip[0] & 0xf != 5",
];
const LIMITS = [Number.POSITIVE_INFINITY, 1, 3];
/** 1 MiB (the default), and a buffer so small that nearly every record needs a refill. */
const BUFFER_SIZES = [undefined, 64];

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
const MAGIC_MODIFIED = 0xa1b2cd34;

const dir = mkdtempSync(join(tmpdir(), "evnet-pcap-copy-"));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  bytes: Uint8Array;
  /** Records the writer took (a count that survives an error thrown mid-copy). */
  written: number;
  warning: string | null;
  error: string | null;
}

/** The writer evnet read opens for pcap input. */
function openWriter(reader: CaptureFileReader, sink: MemorySink): PcapWriter {
  const header = reader.parser.pcapHeader!;
  return new PcapWriter(sink, {
    linkType: header.linkType,
    snaplen: header.snaplen > 0 ? header.snaplen : 262144,
    nanosecond: header.nanosecond,
    littleEndian: header.littleEndian,
  });
}

/**
 * Runs one path over `path`: the first record always goes through PcapWriter.write (as in
 * evnet read); then either every record does, or copyPcapRecords takes the rest.
 */
function run(
  path: string,
  filters: { whole: CompiledBpf; at: CompiledBpfAt } | null,
  limit: number,
  copy: boolean,
  bufferSize: number | undefined,
): Outcome {
  const sink = new MemorySink();
  let warning: string | null = null;
  let error: string | null = null;
  let selected = 0;
  let written = 0;
  const reader = new CaptureFileReader(path, {
    bufferSize,
    onWarning: (w) => {
      warning = w.message;
    },
  });
  let writer: PcapWriter | null = null;
  try {
    let record: PacketRecord | null = reader.next();
    writer = openWriter(reader, sink);
    for (; record !== null; record = reader.next()) {
      if (filters === null || filters.whole(record.data, record.originalLength) !== 0) {
        writer.write(record);
        if (++selected >= limit) break;
      }
      if (copy) {
        assert.ok(canCopyPcapRecords(reader, writer));
        selected += copyPcapRecords(reader, writer, filters?.at ?? null, limit - selected);
        break;
      }
    }
  } catch (err) {
    if (!(err instanceof CaptureFileError)) throw err;
    error = `${err.code} ${err.message} @${err.offset}`;
  } finally {
    written = writer?.recordCount ?? 0;
    writer?.close();
    reader.close();
  }
  return { bytes: sink.bytes(), written, warning, error };
}

function compileFor(expression: string, linkType: number) {
  if (expression === "") return null;
  try {
    const program = compileFilter(expression, { linkType });
    return { whole: compileBpfToJs(program), at: compileBpfToJsAt(program) };
  } catch (err) {
    // Some expressions mean nothing on some link types; both paths would refuse them alike.
    if (err instanceof FilterError) return undefined;
    throw err;
  }
}

/** Asserts both paths agree on `bytes` for every expression, limit and buffer size. */
function assertSamePaths(name: string, bytes: Uint8Array): number {
  const path = join(dir, `${name.replace(/[^a-z0-9.-]/gi, "_")}.pcap`);
  writeFileSync(path, bytes);
  const probe = new CaptureFileReader(path, { onWarning: () => {} });
  try {
    probe.next();
  } catch {
    // A corrupt first record still leaves the header read.
  }
  const headerLinkType = probe.parser.pcapHeader!.linkType;
  probe.close();
  let compared = 0;
  for (const expression of EXPRESSIONS) {
    const filters = compileFor(expression, headerLinkType);
    if (filters === undefined) continue;
    for (const limit of LIMITS) {
      for (const bufferSize of BUFFER_SIZES) {
        const general = run(path, filters, limit, false, bufferSize);
        const fast = run(path, filters, limit, true, bufferSize);
        const what = `${name}, "${expression}", limit ${limit}, buffer ${bufferSize ?? "default"}`;
        assert.deepEqual(fast.error, general.error, what);
        assert.equal(fast.warning, general.warning, what);
        assert.equal(fast.written, general.written, what);
        assert.deepEqual(fast.bytes, general.bytes, what);
        compared++;
      }
    }
  }
  return compared;
}

interface Variant {
  littleEndian?: boolean;
  magic?: number;
  snaplen?: number;
  /** Changes a record before it is encoded: [seconds, fraction, data, originalLength]. */
  edit?: (
    index: number,
    fields: [number, number, Uint8Array, number],
  ) => [number, number, Uint8Array, number];
}

/** A pcap file of `records` laid out as `variant` says. */
function encode(records: PacketRecord[], linkType: number, variant: Variant): Uint8Array {
  const littleEndian = variant.littleEndian ?? true;
  const magic = variant.magic ?? MAGIC_MICRO;
  const nano = magic === MAGIC_NANO;
  const parts = [
    pcapHeader({ littleEndian, magic, snaplen: variant.snaplen ?? 262144, linkField: linkType }),
  ];
  records.forEach((r, i) => {
    let fields: [number, number, Uint8Array, number] = [
      r.seconds,
      nano ? r.nanos : Math.floor(r.nanos / 1000),
      r.data,
      r.originalLength,
    ];
    if (variant.edit) fields = variant.edit(i, fields);
    // The modified format's 8 extra header bytes: ifindex, protocol, packet type, padding.
    const extra = magic === MAGIC_MODIFIED ? Uint8Array.of(0, 0, 0, 1, 8, 0, 0, 0) : undefined;
    parts.push(pcapRecord(littleEndian, fields[0], fields[1], fields[2], fields[3], extra));
  });
  return concat(...parts);
}

const pcapFixtures = FIXTURES
  ? readdirSync(FIXTURES)
      .filter((name) => name.endsWith(".pcap"))
      .sort()
  : [];

describe("copyPcapRecords writes what writing record by record writes", () => {
  test("the fixtures are there", () => {
    assert.ok(FIXTURES, "test/fixtures/packet not found (run from the repository root)");
    assert.ok(pcapFixtures.length >= 5, pcapFixtures.join(", "));
  });

  for (const name of pcapFixtures) {
    test(`${name} as captured`, () => {
      const bytes = readFileSync(join(FIXTURES!, name));
      assert.ok(assertSamePaths(name, bytes) > 0);
    });

    test(`${name} rewritten: byte orders, resolutions, odd records, truncated and corrupt ends`, () => {
      const bytes = readFileSync(join(FIXTURES!, name));
      const records = readCaptureBytes(bytes, { copy: true });
      const link = records[0]!.linkType;
      assert.ok(records.length > 3);
      const last = records.length - 1;
      const variants: Record<string, Variant> = {
        "big-endian": { littleEndian: false },
        "nanosecond big-endian": { littleEndian: false, magic: MAGIC_NANO },
        nanosecond: { magic: MAGIC_NANO },
        modified: { magic: MAGIC_MODIFIED },
        // Records longer than the header's snaplen are cut by the writer.
        "snaplen 60": { snaplen: 60 },
        "snaplen 0": { snaplen: 0 },
        "fractions of a second or more, caplen over the original length": {
          edit: (i, [s, f, d, o]) =>
            i % 3 === 1
              ? [s, f + 2_000_000, d, o]
              : i % 3 === 2
                ? [s, f, d, d.length - 1]
                : [s, f, d, o],
        },
      };
      for (const [label, variant] of Object.entries(variants)) {
        assertSamePaths(`${name} ${label}`, encode(records, link, variant));
      }
      const plain = encode(records, link, {});
      // Truncated inside the last record's data, inside its header, and one byte short.
      const lastLength = 16 + records[last]!.capturedLength;
      for (const cut of [1, lastLength - 8, lastLength - 16 + 3, lastLength + 5]) {
        assertSamePaths(`${name} cut ${cut}`, plain.subarray(0, plain.length - cut));
      }
      // A record in the middle whose captured length no reader accepts.
      const corrupt = encode(records, link, {});
      const at = 24 + records.slice(0, 2).reduce((n, r) => n + 16 + r.capturedLength, 0);
      new DataView(corrupt.buffer, corrupt.byteOffset).setUint32(at + 8, 0x7fffffff, true);
      assertSamePaths(`${name} corrupt`, corrupt);
    });
  }
});

test("copyPcapRecords refuses a writer of another byte order or resolution", () => {
  const path = join(dir, "refuse.pcap");
  writeFileSync(
    path,
    concat(pcapHeader({ snaplen: 100 }), pcapRecord(true, 1, 2, new Uint8Array(20))),
  );
  const reader = new CaptureFileReader(path);
  reader.next();
  const writer = new PcapWriter(new MemorySink(), { linkType: 1, littleEndian: false });
  assert.equal(canCopyPcapRecords(reader, writer), false);
  assert.throws(() => copyPcapRecords(reader, writer, null, 1), TypeError);
  reader.close();
});

test("a corrupt record stops the copy with the reader's error, after the records before it", () => {
  const path = join(dir, "corrupt-direct.pcap");
  const good = pcapRecord(true, 1, 2, new Uint8Array(30).fill(7));
  const bad = pcapRecord(true, 1, 2, new Uint8Array(10));
  new DataView(bad.buffer, bad.byteOffset).setUint32(8, 0x7fffffff, true);
  writeFileSync(path, concat(pcapHeader({ snaplen: 100 }), good, good, good, bad, good));
  const reader = new CaptureFileReader(path);
  reader.next();
  const sink = new MemorySink();
  const writer = new PcapWriter(sink, { linkType: 1, snaplen: 100 });
  assert.throws(
    () => copyPcapRecords(reader, writer, null, Number.POSITIVE_INFINITY),
    (err: unknown) => err instanceof CaptureFileError && err.code === "BAD_RECORD_LENGTH",
  );
  reader.close();
  // The header and the two good records after the first (which the caller handled).
  assert.equal(sink.length, 24 + 2 * good.length);
  assert.equal(writer.recordCount, 2);
});
