/**
 * IPv4 (RFC 791), with the header checksum (RFC 1071) verified.
 *
 *   byte 0       version (4 bits, = 4) | IHL (4 bits, header length in 32-bit words, >= 5)
 *   byte 1       DSCP (6 bits) | ECN (2 bits)             (RFC 2474, RFC 3168)
 *   bytes 2..3   total length of header and payload
 *   bytes 4..5   identification
 *   bytes 6..7   flags (reserved, DF, MF) | fragment offset (13 bits, in 8-byte units)
 *   byte 8       time to live          byte 9  protocol
 *   bytes 10..11 header checksum
 *   bytes 12..15 source address        bytes 16..19 destination address
 *   bytes 20..   options, up to IHL*4: type (1) [| length (1) | data], EOL = 0, NOP = 1
 *
 * A total length of 0 is what Linux records for TCP segmentation offload super-packets; like
 * tcpdump, the payload is then taken to run to the end of the capture.
 */
import { formatIPv4, onesComplementSum, toHex } from "../../bytes/index.js";
import type { ChecksumStatus, LayerCommon } from "./layer.js";

/** One IPv4 option; `data` is the value bytes as hex (empty for EOL/NOP). */
export interface Ipv4Option {
  type: number;
  name: string;
  /** The option's length byte (1 for EOL and NOP, which have none). */
  length: number;
  data: string;
}

export class Ipv4Layer implements LayerCommon {
  readonly kind = "ipv4" as const;
  offset: number;
  headerLength: number;
  truncated: boolean;
  malformed: string | null;
  version: number;
  tos: number;
  totalLength: number;
  id: number;
  /** The three flag bits: 4 reserved, 2 DF, 1 MF. */
  flags: number;
  /** Fragment offset in bytes (the field times 8). */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  checksum: number;
  checksumStatus: ChecksumStatus;
  /** Where the payload starts in the frame. */
  payloadOffset: number;
  /** Payload length the header claims (total length minus header length). */
  payloadLength: number;
  /** End of the captured payload: min(claimed end, end of capture). */
  payloadEnd: number;
  private readonly data: Uint8Array;
  private optionList: Ipv4Option[] | null;
  private optionIssue: string | null;

  constructor(data: Uint8Array, offset: number) {
    this.data = data;
    this.offset = offset;
    this.headerLength = 20;
    this.truncated = false;
    this.malformed = null;
    this.version = -1;
    this.tos = -1;
    this.totalLength = -1;
    this.id = -1;
    this.flags = 0;
    this.fragmentOffset = 0;
    this.ttl = -1;
    this.protocol = -1;
    this.checksum = -1;
    this.checksumStatus = "unverified";
    this.payloadOffset = offset + 20;
    this.payloadLength = 0;
    this.payloadEnd = offset + 20;
    this.optionList = null;
    this.optionIssue = null;
  }

  get src(): string {
    return formatIPv4(this.data, this.offset + 12);
  }
  get dst(): string {
    return formatIPv4(this.data, this.offset + 16);
  }
  get dscp(): number {
    return this.tos >> 2;
  }
  get ecn(): number {
    return this.tos & 3;
  }
  get dontFragment(): boolean {
    return (this.flags & 2) !== 0;
  }
  get moreFragments(): boolean {
    return (this.flags & 1) !== 0;
  }
  /** True for any fragment of a fragmented datagram (first, middle or last). */
  get isFragment(): boolean {
    return this.fragmentOffset !== 0 || (this.flags & 1) !== 0;
  }
  /** The source address as an unsigned 32-bit number (0 when truncated). */
  get srcNumber(): number {
    return readAddr(this.data, this.offset + 12);
  }
  get dstNumber(): number {
    return readAddr(this.data, this.offset + 16);
  }

  /** Options, decoded on first access. */
  get options(): Ipv4Option[] {
    if (this.optionList === null) this.parseOptions();
    return this.optionList!;
  }

  /** Why the options are malformed, or null (decodes them if not done yet). */
  get optionsMalformed(): string | null {
    if (this.optionList === null) this.parseOptions();
    return this.optionIssue;
  }

  private parseOptions(): void {
    const list: Ipv4Option[] = [];
    const d = this.data;
    let p = this.offset + 20;
    const end = Math.min(this.offset + this.headerLength, d.length);
    while (p < end) {
      const type = d[p]!;
      if (type === 0 || type === 1) {
        list.push({ type, name: ipv4OptionName(type), length: 1, data: "" });
        p++;
        if (type === 0) break;
        continue;
      }
      if (p + 1 >= end) {
        this.optionIssue = `option ${type} has no length byte`;
        break;
      }
      const len = d[p + 1]!;
      if (len < 2 || p + len > end) {
        this.optionIssue = `option ${type} has bad length ${len}`;
        break;
      }
      list.push({
        type,
        name: ipv4OptionName(type),
        length: len,
        data: toHex(d, "", p + 2, p + len),
      });
      p += len;
    }
    this.optionList = list;
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      version: this.version,
      tos: this.tos,
      dscp: this.dscp,
      ecn: this.ecn,
      totalLength: this.totalLength,
      id: this.id,
      flags: this.flags,
      dontFragment: this.dontFragment,
      moreFragments: this.moreFragments,
      fragmentOffset: this.fragmentOffset,
      ttl: this.ttl,
      protocol: this.protocol,
      checksum: this.checksum,
      checksumStatus: this.checksumStatus,
      src: this.src,
      dst: this.dst,
    };
    if (this.headerLength > 20 && !this.truncated) {
      o.options = this.options;
      if (this.optionsMalformed !== null) o.optionsMalformed = this.optionsMalformed;
    }
    if (this.truncated) o.truncated = true;
    if (this.malformed !== null) o.malformed = this.malformed;
    return o;
  }
}

function readAddr(d: Uint8Array, p: number): number {
  if (p + 4 > d.length) return 0;
  return ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;
}

export function ipv4OptionName(type: number): string {
  switch (type) {
    case 0:
      return "eol";
    case 1:
      return "nop";
    case 7:
      return "rr";
    case 68:
      return "ts";
    case 130:
      return "security";
    case 131:
      return "lsrr";
    case 133:
      return "e-security";
    case 136:
      return "satid";
    case 137:
      return "ssrr";
    case 148:
      return "ra";
    default:
      return `unknown-${type}`;
  }
}

/**
 * Decodes the IPv4 header at `offset`. The header checksum is verified when the whole header
 * was captured; options are decoded lazily through `layer.options`.
 *
 * @example
 * const ip = decodeIpv4(frame, 14);
 * ip.src; // "127.0.0.1"
 * ip.checksumStatus; // "good"
 */
export function decodeIpv4(data: Uint8Array, offset: number): Ipv4Layer {
  const ip = new Ipv4Layer(data, offset);
  const avail = data.length - offset;
  if (avail < 1) {
    ip.truncated = true;
    ip.headerLength = 0;
    ip.payloadOffset = ip.payloadEnd = offset;
    return ip;
  }
  const b0 = data[offset]!;
  ip.version = b0 >> 4;
  const hl = (b0 & 15) * 4;
  if (ip.version !== 4) ip.malformed = `version ${ip.version} in an IPv4 header`;
  if (avail < 20) {
    ip.truncated = true;
    ip.headerLength = avail;
    ip.payloadOffset = ip.payloadEnd = data.length;
    return ip;
  }
  ip.tos = data[offset + 1]!;
  ip.totalLength = (data[offset + 2]! << 8) | data[offset + 3]!;
  ip.id = (data[offset + 4]! << 8) | data[offset + 5]!;
  const ff = (data[offset + 6]! << 8) | data[offset + 7]!;
  ip.flags = ff >> 13;
  ip.fragmentOffset = (ff & 0x1fff) * 8;
  ip.ttl = data[offset + 8]!;
  ip.protocol = data[offset + 9]!;
  ip.checksum = (data[offset + 10]! << 8) | data[offset + 11]!;
  if (hl < 20) {
    ip.malformed ??= `header length ${hl} is shorter than 20`;
    ip.headerLength = 20;
    ip.payloadOffset = ip.payloadEnd = offset + 20;
    return ip;
  }
  ip.headerLength = hl;
  if (avail < hl) {
    ip.truncated = true;
    ip.payloadOffset = ip.payloadEnd = data.length;
    return ip;
  }
  const sum = onesComplementSum(data, offset, offset + hl);
  // Folding twice is enough for a header of at most 30 words.
  let f = (sum & 0xffff) + (sum >>> 16);
  f = (f & 0xffff) + (f >>> 16);
  ip.checksumStatus = f === 0xffff ? "good" : "bad";
  let total = ip.totalLength;
  if (total === 0)
    total = avail; // TSO: see the comment at the top.
  else if (total < hl) {
    ip.malformed ??= `total length ${total} is shorter than the header (${hl})`;
    total = hl;
  }
  ip.payloadOffset = offset + hl;
  ip.payloadLength = total - hl;
  ip.payloadEnd = offset + Math.min(total, avail);
  return ip;
}
