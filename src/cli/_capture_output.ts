/**
 * Where `evnet read -w OUT` puts the packets it selects: a pcap file like tcpdump -w writes,
 * or a pcapng file when the input is pcapng (so its interfaces, comments and flags survive)
 * or OUT ends in ".pcapng". The output keeps the input's link type, snapshot length and
 * timestamp resolution.
 */
import {
  type CaptureParser,
  FileSink,
  type PacketRecord,
  PcapngWriter,
  PcapWriter,
} from "../packet/file/index.js";

/** The default snapshot length when the input does not give one (tcpdump's since 4.99). */
const DEFAULT_SNAPLEN = 262144;

export interface CaptureOutput {
  write(record: PacketRecord): void;
  flush(): void;
  close(): void;
}

/**
 * Opens OUT ("-" for stdout) for the records `parser` reads. Call it once the parser has
 * seen the file header (after the first `next()`).
 */
export function openCaptureOutput(out: string, parser: CaptureParser): CaptureOutput {
  const sink = new FileSink(out === "-" ? 1 : out);
  if (parser.format === "pcapng") return new PcapngCopy(new PcapngWriter(sink), parser);
  const header = parser.pcapHeader;
  if (header === null) throw new TypeError("the capture's header has not been read yet");
  const snaplen = header.snaplen > 0 ? header.snaplen : DEFAULT_SNAPLEN;
  if (out.endsWith(".pcapng")) {
    const writer = new PcapngWriter(sink);
    writer.addInterface({
      linkType: header.linkType,
      snaplen,
      tsresol: header.nanosecond ? 9 : 6,
    });
    return writer;
  }
  return new PcapWriter(sink, {
    linkType: header.linkType,
    snaplen,
    nanosecond: header.nanosecond,
    littleEndian: header.littleEndian,
  });
}

/**
 * Copies pcapng records into one output section, describing each input interface (of any
 * section) the first time one of its packets is written.
 */
class PcapngCopy implements CaptureOutput {
  private readonly writer: PcapngWriter;
  private readonly parser: CaptureParser;
  /** Output interface id per input section, per input interface id. */
  private readonly ids: Map<number, number>[] = [];

  constructor(writer: PcapngWriter, parser: CaptureParser) {
    this.writer = writer;
    this.parser = parser;
  }

  write(record: PacketRecord): void {
    const sectionIndex = this.parser.sections.length - 1;
    let ids = this.ids[sectionIndex];
    if (ids === undefined) {
      ids = new Map();
      this.ids[sectionIndex] = ids;
    }
    let id = ids.get(record.interfaceId);
    if (id === undefined) {
      id = this.describe(sectionIndex, record);
      ids.set(record.interfaceId, id);
    }
    this.writer.write({
      interfaceId: id,
      seconds: record.seconds,
      nanos: record.nanos,
      data: record.data,
      capturedLength: record.capturedLength,
      originalLength: record.originalLength,
      comment: record.comment,
      flags: record.flags,
    });
  }

  flush(): void {
    this.writer.flush();
  }

  close(): void {
    this.writer.close();
  }

  private describe(sectionIndex: number, record: PacketRecord): number {
    const iface = this.parser.sections[sectionIndex]?.interfaces[record.interfaceId];
    if (iface === undefined) return this.writer.addInterface({ linkType: record.linkType });
    // if_tsoffset is not copied: record timestamps already include it.
    return this.writer.addInterface({
      linkType: iface.linkType,
      snaplen: iface.snaplen,
      tsresol: iface.tsresol,
      name: iface.name,
      description: iface.description,
      comment: iface.comment,
      filter: iface.filter,
      os: iface.os,
      hardware: iface.hardware,
      speed: iface.speed,
      fcsLength: iface.fcsLength,
    });
  }
}
