/**
 * `evnet read FILE [EXPR...]`: tcpdump -r for pcap and pcapng files.
 *
 * The capture is read synchronously in constant memory; the filter is compiled to classic
 * BPF for the file's link type and run as generated JavaScript; each selected packet is
 * printed as one tcpdump-style line (`-n -S -tt`), as JSON (`--json`), or written to
 * another capture (`-w`). Notices and errors go to stderr with tcpdump's wording where it
 * has one; the exit code is 0, or 1 for a bad command line, filter or file, and for a
 * capture that ends inside a packet (after printing every complete packet, as tcpdump does).
 */
import {
  type BpfProgram,
  type CompiledBpf,
  type CompiledBpfAt,
  compileBpfToJs,
  compileBpfToJsAt,
  disassemble,
  disassembleC,
  disassembleDecimal,
} from "../packet/bpf/index.js";
import type { DecodeOptions } from "../packet/decode/index.js";
// The capture-file modules one by one, not their index: `-w` loads neither the pcapng writer
// nor the decoders unless it needs them (start-up is a large part of filtering a file).
import { CaptureFileError } from "../packet/file/error.js";
import { formatLinkType, linkTypeFromName } from "../packet/file/linktype.js";
import type { CaptureParser } from "../packet/file/parser.js";
import { canCopyPcapRecords, copyPcapRecords } from "../packet/file/pcap_copy.js";
import { PcapWriter } from "../packet/file/pcap_writer.js";
import { CaptureFileReader } from "../packet/file/read.js";
import type { PacketRecord } from "../packet/file/record.js";
import { FileSink } from "../packet/file/sink.js";
import { compileFilter, FilterError, LINKTYPE_ETHERNET } from "../packet/filter/index.js";
import type { CaptureOutput } from "./_capture_output.js";
import { ChunkedOutput, writeStderr } from "./_output.js";
import { parseReadArgs, READ_USAGE, type ReadOptions, ReadUsageError } from "./_read_args.js";

const PROGRAM = "evnet read";
/** tcpdump's default snapshot length, used when a file gives none. */
const DEFAULT_SNAPLEN = 262144;
/** Line output prints no checksum verdicts, so it skips summing every payload. */
const LINE_DECODE: DecodeOptions = { checksums: false };

/**
 * The decoders and line formatters, loaded only when packets are printed: `-w` and `-d` never
 * decode, and loading them alone takes about 40 ms (node 20, bench machine), a fifth of a
 * filtering run over a million packets.
 */
type Decoders = typeof import("../packet/decode/index.js") &
  typeof import("./_hexdump.js") &
  typeof import("./_quiet.js");

async function loadDecoders(): Promise<Decoders> {
  const [decode, hex, quiet] = await Promise.all([
    import("../packet/decode/index.js"),
    import("./_hexdump.js"),
    import("./_quiet.js"),
  ]);
  return { ...decode, ...hex, ...quiet };
}

/** A failure already worded for the user. */
class ReadFailure extends Error {}

export async function main(argv: string[]): Promise<number> {
  let opts: ReadOptions;
  try {
    opts = parseReadArgs(argv);
  } catch (err) {
    if (!(err instanceof ReadUsageError)) throw err;
    writeStderr(`${PROGRAM}: ${err.message} (evnet read --help for usage)\n`);
    return 1;
  }
  if (opts.help) {
    const out = new ChunkedOutput(1);
    out.line(READ_USAGE);
    out.flush();
    return 0;
  }
  try {
    if (opts.dump > 0) return printProgram(opts);
    const printing = opts.writeTo === null;
    return await readCapture(opts, printing ? await loadDecoders() : null);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EPIPE") return 0;
    writeStderr(`${PROGRAM}: ${describeError(err, opts)}\n`);
    return 1;
  }
}

/** What the file header says: the first interface's link type and snapshot length. */
interface InputInfo {
  linkType: number;
  snaplen: number;
  /** Byte order of the file (of its first section), which DLT_NULL headers follow. */
  littleEndian: boolean;
}

function inputInfo(parser: CaptureParser): InputInfo | null {
  const header = parser.pcapHeader;
  if (header !== null) {
    return {
      linkType: header.linkType,
      snaplen: header.snaplen > 0 ? header.snaplen : DEFAULT_SNAPLEN,
      littleEndian: header.littleEndian,
    };
  }
  for (const section of parser.sections) {
    const iface = section.interfaces[0];
    if (iface === undefined) continue;
    return {
      linkType: iface.linkType,
      snaplen: iface.snaplen > 0 ? iface.snaplen : DEFAULT_SNAPLEN,
      littleEndian: section.littleEndian,
    };
  }
  return null;
}

function openReader(file: string, onWarning: (w: CaptureFileError) => void): CaptureFileReader {
  return new CaptureFileReader(file === "-" ? 0 : file, { onWarning });
}

/** -d, -dd, -ddd: compile for the file's link type (or -y, or Ethernet) and print. */
function printProgram(opts: ReadOptions): number {
  let info: InputInfo = {
    linkType: LINKTYPE_ETHERNET,
    snaplen: DEFAULT_SNAPLEN,
    littleEndian: true,
  };
  if (opts.file !== null) {
    const reader = openReader(opts.file, () => {});
    try {
      reader.next();
      info = inputInfo(reader.parser) ?? info;
    } finally {
      reader.close();
    }
  } else if (opts.linkTypeName !== null) {
    const linkType = linkTypeFromName(opts.linkTypeName);
    if (linkType === undefined) {
      throw new ReadFailure(`invalid data link type ${opts.linkTypeName}`);
    }
    info = { ...info, linkType };
  }
  const program = compileFilter(opts.expression, {
    linkType: info.linkType,
    snaplen: info.snaplen,
    nullHeaderLittleEndian: info.littleEndian,
  });
  const print = opts.dump === 1 ? disassemble : opts.dump === 2 ? disassembleC : disassembleDecimal;
  const out = new ChunkedOutput(1);
  out.write(print(program));
  out.flush();
  return 0;
}

/**
 * The filter for one capture, compiled per link type as packets of each type appear (a
 * pcapng file may mix interfaces).
 */
class PacketFilter {
  private linkType: number;
  private run: CompiledBpf;
  private readonly byLinkType = new Map<number, CompiledBpf>();
  private readonly programs = new Map<number, BpfProgram>();
  private readonly firstLinkType: number;
  private readonly expression: string;
  private readonly snaplen: number;
  private readonly littleEndian: boolean;

  constructor(expression: string, info: InputInfo) {
    this.expression = expression;
    this.snaplen = info.snaplen;
    this.littleEndian = info.littleEndian;
    this.linkType = info.linkType;
    this.firstLinkType = info.linkType;
    this.run = this.compile(info.linkType);
  }

  matches(record: PacketRecord): boolean {
    if (record.linkType !== this.linkType) {
      this.linkType = record.linkType;
      this.run = this.byLinkType.get(record.linkType) ?? this.compile(record.linkType);
    }
    return this.run(record.data, record.originalLength) !== 0;
  }

  /** The filter for packets of the capture's first link type where they lie in a buffer. */
  atOffset(): CompiledBpfAt {
    return compileBpfToJsAt(this.program(this.firstLinkType));
  }

  private compile(linkType: number): CompiledBpf {
    const run = compileBpfToJs(this.program(linkType));
    this.byLinkType.set(linkType, run);
    return run;
  }

  private program(linkType: number): BpfProgram {
    let program = this.programs.get(linkType);
    if (program === undefined) {
      program = compileFilter(this.expression, {
        linkType,
        snaplen: this.snaplen,
        nullHeaderLittleEndian: this.littleEndian,
      });
      this.programs.set(linkType, program);
    }
    return program;
  }
}

/** What happens to each selected packet. */
interface PacketSink {
  packet(record: PacketRecord, frame: number): void;
  /** True once output can no longer go anywhere (the reader of stdout left). */
  readonly stopped: boolean;
  finish(): void;
}

async function readCapture(opts: ReadOptions, decoders: Decoders | null): Promise<number> {
  const file = opts.file!;
  let truncation: CaptureFileError | null = null;
  const reader = openReader(file, (w) => {
    truncation = w;
  });
  let sink: PacketSink | null = null;
  try {
    let record = reader.next();
    const info = inputInfo(reader.parser);
    if (info === null) {
      if (truncation !== null) throw truncation;
      throw new ReadFailure(`${file}: the capture describes no interface`);
    }
    const filter = opts.expression.trim() === "" ? null : new PacketFilter(opts.expression, info);
    writeStderr(
      `reading from file ${file}, link-type ${formatLinkType(info.linkType)}, snapshot length ${info.snaplen}\n`,
    );
    sink = await makeSink(opts, reader.parser, decoders);
    const count = opts.count;
    // Past the first record, a pcap file written to a pcap file skips the records' objects.
    const copyTo = sink instanceof CaptureSink ? sink.copyTarget(reader) : null;
    let frame = 0;
    let selected = 0;
    for (; record !== null; record = reader.next()) {
      frame++;
      if (filter === null || filter.matches(record)) {
        sink.packet(record, frame);
        if (++selected >= count || sink.stopped) break;
      }
      if (copyTo !== null) {
        copyPcapRecords(reader, copyTo, filter?.atOffset() ?? null, count - selected);
        break;
      }
    }
    sink.finish();
    sink = null;
  } finally {
    // Packets selected before an error are still printed, then the error.
    sink?.finish();
    reader.close();
  }
  if (truncation !== null) {
    writeStderr(`${PROGRAM}: ${file}: ${(truncation as CaptureFileError).message}\n`);
    return 1;
  }
  return 0;
}

async function makeSink(
  opts: ReadOptions,
  parser: CaptureParser,
  decoders: Decoders | null,
): Promise<PacketSink> {
  if (opts.writeTo !== null) {
    const output =
      openPcapOutput(opts.writeTo, parser) ??
      (await import("./_capture_output.js")).openCaptureOutput(opts.writeTo, parser);
    return new CaptureSink(output, opts);
  }
  if (decoders === null) throw new TypeError("printing packets needs the decoders");
  const out = new ChunkedOutput(1, { lineBuffered: opts.lineBuffered });
  return opts.json ? new JsonSink(out, parser, decoders) : new LineSink(out, opts, decoders);
}

/**
 * The writer for pcap input written to a pcap file, opened as openCaptureOutput opens it (the
 * input's link type, snapshot length or tcpdump's default, resolution and byte order), so
 * that this common case loads neither that module nor the pcapng writer; null otherwise.
 */
function openPcapOutput(out: string, parser: CaptureParser): PcapWriter | null {
  const header = parser.pcapHeader;
  if (parser.format !== "pcap" || header === null || out.endsWith(".pcapng")) return null;
  return new PcapWriter(new FileSink(out === "-" ? 1 : out), {
    linkType: header.linkType,
    snaplen: header.snaplen > 0 ? header.snaplen : DEFAULT_SNAPLEN,
    nanosecond: header.nanosecond,
    littleEndian: header.littleEndian,
  });
}

class CaptureSink implements PacketSink {
  readonly stopped = false;
  private readonly output: CaptureOutput;
  private readonly flushEach: boolean;

  constructor(output: CaptureOutput, opts: ReadOptions) {
    this.output = output;
    this.flushEach = opts.packetBuffered;
  }

  packet(record: PacketRecord): void {
    this.output.write(record);
    if (this.flushEach) this.output.flush();
  }

  /**
   * The writer copyPcapRecords can copy `reader`'s records into, or null: with -U each packet
   * is flushed on its own, and pcapng on either side needs every record's fields.
   */
  copyTarget(reader: CaptureFileReader): PcapWriter | null {
    const output = this.output;
    if (this.flushEach || !(output instanceof PcapWriter)) return null;
    return canCopyPcapRecords(reader, output) ? output : null;
  }

  finish(): void {
    this.output.close();
  }
}

/** "000" to "999", so a fraction is two or three table lookups instead of number formatting. */
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, i) =>
  String(i).padStart(3, "0"),
);

/** The same three digits as character codes: THREE_DIGIT_CODES[3n..3n+2] for n. */
const THREE_DIGIT_CODES = new Uint8Array(3000);
for (let n = 0; n < 1000; n++) {
  for (let i = 0; i < 3; i++) THREE_DIGIT_CODES[3 * n + i] = THREE_DIGITS[n]!.charCodeAt(i);
}

/** The longest timestamp `TimestampFormatter.put` writes: 2^64 seconds, 9 digits, space. */
const TIMESTAMP_MAX_BYTES = 32;

/**
 * Timestamps like tcpdump -tt ("1700000000.123456") or -tt --nano (9 digits), followed by a
 * space. The seconds part changes rarely in a capture, so its text is kept between packets.
 */
class TimestampFormatter {
  private seconds = -1;
  private secondsText = "";
  private readonly nano: boolean;

  constructor(nano: boolean) {
    this.nano = nano;
  }

  format(record: PacketRecord): string {
    this.updateSeconds(record.seconds);
    const nanos = record.nanos;
    if (this.nano) {
      const micros = Math.floor(nanos / 1000);
      return `${this.secondsText}${THREE_DIGITS[Math.floor(micros / 1000)]}${THREE_DIGITS[micros % 1000]}${THREE_DIGITS[nanos % 1000]} `;
    }
    const micros = Math.floor(nanos / 1000);
    return `${this.secondsText}${THREE_DIGITS[Math.floor(micros / 1000)]}${THREE_DIGITS[micros % 1000]} `;
  }

  /**
   * Writes what `format` returns into `dst` at `at` (which has TIMESTAMP_MAX_BYTES of room)
   * as ASCII bytes; returns where it ends, or -1 for a fraction out of range (which the
   * readers never yield), left to `format`.
   */
  put(dst: Uint8Array, at: number, record: PacketRecord): number {
    const nanos = record.nanos;
    if (!(nanos >= 0 && nanos < 1e9)) return -1;
    at = putLatin1(dst, at, this.updateSeconds(record.seconds));
    // Three digits per table lookup, as `format` does.
    const micros = Math.floor(nanos / 1000);
    const millis = Math.floor(micros / 1000);
    at = putThreeDigits(dst, at, millis);
    at = putThreeDigits(dst, at, micros - millis * 1000);
    if (this.nano) at = putThreeDigits(dst, at, nanos - micros * 1000);
    dst[at] = 0x20;
    return at + 1;
  }

  /** "SECONDS." for `seconds`, made again only when the second changes. */
  private updateSeconds(seconds: number): string {
    if (seconds !== this.seconds) {
      this.seconds = seconds;
      this.secondsText = `${seconds}.`;
    }
    return this.secondsText;
  }
}

/** Writes 0 <= n < 1000 as three digits. */
function putThreeDigits(dst: Uint8Array, at: number, n: number): number {
  dst[at] = THREE_DIGIT_CODES[3 * n]!;
  dst[at + 1] = THREE_DIGIT_CODES[3 * n + 1]!;
  dst[at + 2] = THREE_DIGIT_CODES[3 * n + 2]!;
  return at + 3;
}

/** Writes text of code points below 0x100 one byte each (the seconds' digits and dot). */
function putLatin1(dst: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) dst[at + i] = text.charCodeAt(i);
  return at + text.length;
}

class LineSink implements PacketSink {
  private readonly out: ChunkedOutput;
  private readonly decoders: Decoders;
  private readonly timestamps: TimestampFormatter | null;
  private readonly quiet: boolean;
  private readonly hex: 0 | 1 | 2;
  private readonly ascii: boolean;
  /** writeFastLine, for the plain lines it can write; null with -q or -x. */
  private readonly fastLine: Decoders["writeFastLine"] | null;
  /** Room a timestamp and a fast line with its newline can take. */
  private readonly fastRoom: number;

  constructor(out: ChunkedOutput, opts: ReadOptions, decoders: Decoders) {
    this.out = out;
    this.decoders = decoders;
    this.timestamps =
      opts.timestamps === "seconds" ? new TimestampFormatter(opts.nanoseconds) : null;
    this.quiet = opts.quiet;
    this.hex = opts.hex;
    this.ascii = opts.ascii;
    // -q and -x need the decoded packet; they are not the lines read in bulk.
    this.fastLine = opts.quiet || opts.hex !== 0 ? null : decoders.writeFastLine;
    this.fastRoom = TIMESTAMP_MAX_BYTES + decoders.FAST_LINE_MAX_BYTES + 1;
  }

  get stopped(): boolean {
    return this.out.closed;
  }

  packet(record: PacketRecord): void {
    if (this.fastLine !== null && this.writeFast(record)) return;
    const { decodePacket, formatPacketLine, quietLine, linkHeaderEnd, hexDump } = this.decoders;
    const pkt = decodePacket(record.linkType, record.data, record.originalLength, LINE_DECODE);
    let line = formatPacketLine(pkt);
    if (this.quiet) line = quietLine(pkt, line);
    // The timestamp goes out on its own: joining it to the line would build a longer string
    // only for the output buffer to flatten it again.
    if (this.timestamps !== null) this.out.write(this.timestamps.format(record));
    if (this.hex !== 0) {
      const start = this.hex === 1 ? linkHeaderEnd(pkt) : 0;
      line += hexDump(record.data, start, record.data.length, this.ascii);
    }
    this.out.line(line);
  }

  /**
   * Writes the line as bytes into the output buffer, for the packets writeFastLine knows;
   * false leaves nothing written (a timestamp put there is overwritten by the general path).
   */
  private writeFast(record: PacketRecord): boolean {
    const out = this.out;
    out.reserve(this.fastRoom);
    const buffer = out.buffer;
    let at = out.used;
    if (this.timestamps !== null) {
      at = this.timestamps.put(buffer, at, record);
      if (at < 0) return false;
    }
    const end = this.fastLine!(buffer, at, record.linkType, record.data);
    if (end < 0) return false;
    buffer[end] = 10;
    out.endLine(end + 1);
    return true;
  }

  finish(): void {
    this.out.flush();
  }
}

class JsonSink implements PacketSink {
  private readonly out: ChunkedOutput;
  private readonly decoders: Decoders;
  private readonly pcapng: boolean;
  private readonly timestamps = new TimestampFormatter(true);

  constructor(out: ChunkedOutput, parser: CaptureParser, decoders: Decoders) {
    this.out = out;
    this.decoders = decoders;
    this.pcapng = parser.format === "pcapng";
  }

  get stopped(): boolean {
    return this.out.closed;
  }

  /**
   * One object per line: the frame's position in the file, its timestamp, then every field
   * of the decoded packet (DecodedPacket.toJSON), spliced in without a second object.
   */
  packet(record: PacketRecord, frame: number): void {
    const pkt = this.decoders.decodePacket(record.linkType, record.data, record.originalLength);
    // The formatter ends the timestamp with a space for the line output; JSON drops it.
    const time = this.timestamps.format(record).trimEnd();
    let head = `{"frame":${frame},"time":"${time}","seconds":${record.seconds},"nanos":${record.nanos}`;
    if (this.pcapng) head += `,"interfaceId":${record.interfaceId}`;
    if (record.comment !== undefined) head += `,"comment":${JSON.stringify(record.comment)}`;
    if (record.flags !== undefined) head += `,"flags":${record.flags}`;
    this.out.write(head);
    this.out.write(",");
    this.out.line(JSON.stringify(pkt).slice(1));
  }

  finish(): void {
    this.out.flush();
  }
}

/** The message for an error, in tcpdump's words where it has them. */
function describeError(err: unknown, opts: ReadOptions): string {
  if (err instanceof FilterError) {
    if (err.position < 0) return err.message;
    // Point at the token, under the expression as given.
    return `${err.message}\n  ${opts.expression}\n  ${" ".repeat(err.position)}^`;
  }
  if (err instanceof CaptureFileError) return `${opts.file}: ${err.message}`;
  if (err instanceof ReadFailure) return err.message;
  const sys = err as NodeJS.ErrnoException;
  if (typeof sys.code === "string" && typeof sys.syscall === "string") {
    return `${sys.path ?? opts.file}: ${systemErrorText(sys)}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** "ENOENT: no such file or directory, open 'x'" -> "No such file or directory". */
function systemErrorText(err: NodeJS.ErrnoException): string {
  const match = /^[A-Z0-9]+: ([^,]+)/.exec(err.message);
  const text = match?.[1] ?? err.message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
