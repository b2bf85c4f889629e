/**
 * Writes pcapng files: sections, interfaces with their options, enhanced and simple packet
 * blocks with comments and flags, and name resolution blocks.
 *
 * @example
 * ```ts
 * const writer = new PcapngWriter("out.pcapng", { comment: "made by evnet" });
 * const lo = writer.addInterface({ linkType: LINKTYPE.ETHERNET, name: "lo", tsresol: 9 });
 * writer.write({ interfaceId: lo, seconds: 1700000000, nanos: 5, data: frame, comment: "first" });
 * writer.addNameResolution([{ address: "127.0.0.1", names: ["localhost"] }]);
 * writer.close();
 * ```
 */

import { parseIPv4, parseIPv6 } from "../../bytes/index.js";
import { BlockBuilder } from "./_block_builder.js";
import {
  BLOCK_EPB,
  BLOCK_IDB,
  BLOCK_NRB,
  BLOCK_SHB,
  BLOCK_SPB,
  BYTE_ORDER_MAGIC,
  NRB_RECORD_IPV4,
  NRB_RECORD_IPV6,
  OPT_COMMENT,
  OPT_EPB_FLAGS,
  OPT_IF_DESCRIPTION,
  OPT_IF_FCSLEN,
  OPT_IF_FILTER,
  OPT_IF_HARDWARE,
  OPT_IF_NAME,
  OPT_IF_OS,
  OPT_IF_SPEED,
  OPT_IF_TSOFFSET,
  OPT_IF_TSRESOL,
  OPT_SHB_HARDWARE,
  OPT_SHB_OS,
  OPT_SHB_USERAPPL,
} from "./_format.js";
import { joinTimestamp } from "./_timestamp.js";
import { CaptureFileError } from "./error.js";
import type { NameResolutionEntry, WritableRecord } from "./record.js";
import { type CaptureSink, toSink } from "./sink.js";

export interface PcapngSectionOptions {
  /** Byte order of the section. Default true (little-endian). */
  littleEndian?: boolean;
  comment?: string;
  hardware?: string;
  os?: string;
  /** shb_userappl. Default "evnet". */
  userApplication?: string;
}

export interface PcapngInterfaceOptions {
  /** LINKTYPE_* of the interface's packets (16 bits in pcapng). */
  linkType: number;
  name?: string;
  description?: string;
  comment?: string;
  /** Longer packets are cut to this length; 0 means no limit. Default 262144. */
  snaplen?: number;
  /**
   * Timestamp resolution as the if_tsresol byte: n for 10^-n seconds, 0x80|n for 2^-n.
   * Default 6 (microseconds), which is what the format assumes without the option.
   */
  tsresol?: number;
  /** Seconds subtracted from every timestamp before it is stored (if_tsoffset). */
  tsoffset?: number;
  /** The capture filter, as libpcap filter text. */
  filter?: string;
  os?: string;
  hardware?: string;
  /** Bits per second. */
  speed?: number;
  /** Bytes of FCS at the end of each packet. */
  fcsLength?: number;
}

interface WriterInterface {
  snaplen: number;
  tsresol: number;
  tsoffset: number;
}

const MAX_U32 = 0xffffffff;

export class PcapngWriter {
  private readonly sink: CaptureSink;
  private builder: BlockBuilder;
  private interfaces: WriterInterface[] = [];
  private readonly timestampLow = new Uint32Array(1);
  /** Records written so far (all sections). */
  recordCount = 0;

  /** `sink` is a CaptureSink, a path, or a file descriptor. Writes the first SHB now. */
  constructor(sink: CaptureSink | string | number, options: PcapngSectionOptions = {}) {
    this.sink = toSink(sink);
    this.builder = new BlockBuilder(options.littleEndian ?? true);
    this.writeSectionHeader(options);
  }

  /** Number of interfaces in the current section. */
  get interfaceCount(): number {
    return this.interfaces.length;
  }

  /** Starts a new section (possibly in the other byte order); interface ids restart at 0. */
  newSection(options: PcapngSectionOptions = {}): void {
    this.builder = new BlockBuilder(options.littleEndian ?? true);
    this.interfaces = [];
    this.writeSectionHeader(options);
  }

  /** Writes an Interface Description Block; returns the interface id for write(). */
  addInterface(options: PcapngInterfaceOptions): number {
    const { linkType, snaplen = 262144, tsresol = 6, tsoffset = 0 } = options;
    if (!Number.isInteger(linkType) || linkType < 0 || linkType > 0xffff) {
      throw new RangeError(`linkType ${linkType} does not fit the 16 bits pcapng gives it`);
    }
    if (!Number.isInteger(snaplen) || snaplen < 0 || snaplen > MAX_U32) {
      throw new RangeError(`snaplen ${snaplen} is out of range`);
    }
    if (!Number.isInteger(tsresol) || tsresol < 0 || tsresol > 0xff) {
      throw new RangeError(`tsresol ${tsresol} is not an if_tsresol byte`);
    }
    if (!Number.isInteger(tsoffset))
      throw new RangeError(`tsoffset ${tsoffset} is not whole seconds`);
    const b = this.builder;
    b.reset();
    const start = b.beginBlock(BLOCK_IDB);
    b.u16(linkType);
    b.u16(0);
    b.u32(snaplen);
    const optionsStart = b.length;
    b.optionString(OPT_COMMENT, options.comment);
    b.optionString(OPT_IF_NAME, options.name);
    b.optionString(OPT_IF_DESCRIPTION, options.description);
    if (options.speed !== undefined) b.optionU64(OPT_IF_SPEED, BigInt(options.speed));
    if (tsresol !== 6) b.optionU8(OPT_IF_TSRESOL, tsresol);
    if (options.filter !== undefined) {
      const text = new TextEncoder().encode(options.filter);
      const value = new Uint8Array(text.length + 1);
      value.set(text, 1);
      b.option(OPT_IF_FILTER, value);
    }
    b.optionString(OPT_IF_OS, options.os);
    if (options.fcsLength !== undefined) b.optionU8(OPT_IF_FCSLEN, options.fcsLength);
    if (tsoffset !== 0) b.optionI64(OPT_IF_TSOFFSET, BigInt(tsoffset));
    b.optionString(OPT_IF_HARDWARE, options.hardware);
    b.endOptions(optionsStart);
    b.finishBlock(start);
    this.sink.write(b.output());
    this.interfaces.push({ snaplen, tsresol, tsoffset });
    return this.interfaces.length - 1;
  }

  /** Appends an Enhanced Packet Block, cut to its interface's snaplen. */
  write(record: WritableRecord): void {
    const interfaceId = record.interfaceId ?? 0;
    const iface = this.interfaces[interfaceId];
    if (iface === undefined) {
      throw new CaptureFileError(
        "UNWRITABLE",
        `interface ${interfaceId} was not added to this section (it has ${this.interfaces.length})`,
      );
    }
    const { data, nanos } = record;
    const seconds = record.seconds - iface.tsoffset;
    if (!Number.isInteger(seconds) || seconds < 0) {
      throw new CaptureFileError("UNWRITABLE", `timestamp ${record.seconds} s cannot be stored`);
    }
    if (!(nanos >= 0 && nanos < 1e9)) {
      throw new CaptureFileError("UNWRITABLE", `nanos ${nanos} is outside 0..999999999`);
    }
    const high = joinTimestamp(seconds, nanos, iface.tsresol, this.timestampLow);
    if (high > MAX_U32)
      throw new CaptureFileError("UNWRITABLE", `timestamp ${seconds} s overflows 64 bits`);
    let captured = Math.min(record.capturedLength ?? data.length, data.length);
    if (iface.snaplen > 0 && captured > iface.snaplen) captured = iface.snaplen;
    const original = Math.max(record.originalLength ?? data.length, captured);
    const b = this.builder;
    b.reset();
    const start = b.beginBlock(BLOCK_EPB);
    b.u32(interfaceId);
    b.u32(high);
    b.u32(this.timestampLow[0]!);
    b.u32(captured);
    b.u32(original);
    b.raw(captured === data.length ? data : data.subarray(0, captured));
    b.pad();
    const optionsStart = b.length;
    b.optionString(OPT_COMMENT, record.comment);
    if (record.flags !== undefined) b.optionU32(OPT_EPB_FLAGS, record.flags);
    b.endOptions(optionsStart);
    b.finishBlock(start);
    this.sink.write(b.output());
    this.recordCount++;
  }

  /**
   * Appends a Simple Packet Block: no timestamp, interface 0, and the captured length
   * implied by the block (cut to interface 0's snaplen, as readers will assume).
   */
  writeSimple(data: Uint8Array, originalLength = data.length): void {
    const iface = this.interfaces[0];
    if (iface === undefined) {
      throw new CaptureFileError(
        "UNWRITABLE",
        "a simple packet block needs interface 0 to be added first",
      );
    }
    let captured = data.length;
    if (iface.snaplen > 0 && captured > iface.snaplen) captured = iface.snaplen;
    if (captured > originalLength) captured = originalLength;
    const b = this.builder;
    b.reset();
    const start = b.beginBlock(BLOCK_SPB);
    b.u32(originalLength);
    b.raw(data.subarray(0, captured));
    b.finishBlock(start);
    this.sink.write(b.output());
    this.recordCount++;
  }

  /** Writes a Name Resolution Block with one record per entry (IPv4 or IPv6 addresses). */
  addNameResolution(entries: readonly NameResolutionEntry[]): void {
    const b = this.builder;
    b.reset();
    const start = b.beginBlock(BLOCK_NRB);
    const encoder = new TextEncoder();
    for (const { address, names } of entries) {
      const v4 = parseIPv4(address);
      const addressBytes = v4 ?? parseIPv6(address);
      if (addressBytes === null)
        throw new RangeError(`address ${JSON.stringify(address)} is not IPv4 or IPv6`);
      if (names.length === 0) throw new RangeError(`address ${address} has no names`);
      const encoded = names.map((name) => encoder.encode(name));
      const length = encoded.reduce((sum, name) => sum + name.length + 1, addressBytes.length);
      if (length > 0xffff)
        throw new RangeError(`names of ${address} exceed a record's 65535 bytes`);
      b.u16(v4 !== null ? NRB_RECORD_IPV4 : NRB_RECORD_IPV6);
      b.u16(length);
      b.raw(addressBytes);
      for (const name of encoded) {
        b.raw(name);
        b.u8(0);
      }
      b.pad();
    }
    b.u16(0);
    b.u16(0);
    b.finishBlock(start);
    this.sink.write(b.output());
  }

  flush(): void {
    this.sink.flush();
  }

  /** Flushes and closes the sink. */
  close(): void {
    this.sink.close();
  }

  private writeSectionHeader(options: PcapngSectionOptions): void {
    const b = this.builder;
    b.reset();
    const start = b.beginBlock(BLOCK_SHB);
    b.u32(BYTE_ORDER_MAGIC);
    b.u16(1);
    b.u16(0);
    // Section length unknown: the writer streams and does not seek back.
    b.i64(-1n);
    const optionsStart = b.length;
    b.optionString(OPT_COMMENT, options.comment);
    b.optionString(OPT_SHB_HARDWARE, options.hardware);
    b.optionString(OPT_SHB_OS, options.os);
    b.optionString(OPT_SHB_USERAPPL, options.userApplication ?? "evnet");
    b.endOptions(optionsStart);
    b.finishBlock(start);
    this.sink.write(b.output());
  }
}
