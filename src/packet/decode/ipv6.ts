/**
 * IPv6 (RFC 8200) and its extension headers.
 *
 * Fixed header, 40 bytes:
 *   bits 0..3 version (= 6) | 4..11 traffic class | 12..31 flow label
 *   bytes 4..5 payload length | byte 6 next header | byte 7 hop limit
 *   bytes 8..23 source address | bytes 24..39 destination address
 *
 * Extension headers, walked in order until an upper-layer protocol:
 *   hop-by-hop (0), destination options (60):  next (1) | length (1, 8-byte units after the
 *       first 8) | options: type (1) | length (1) | data; Pad1 (type 0) has no length
 *   routing (43):   next | length | routing type | segments left | type-specific data; types 0
 *       (deprecated, RFC 5095) and 2 (mobile IPv6) carry 16-byte addresses after 4 reserved bytes
 *   fragment (44):  next | reserved | offset (13 bits, 8-byte units) . res (2) . M (1) |
 *       identification (4); always 8 bytes
 *   AH (51, RFC 4302): next | length (4-byte units minus 2) | reserved (2) | SPI (4) |
 *       sequence number (4) | ICV
 * ESP (50) and "no next header" (59) end the walk. A non-first fragment ends it too: the
 * upper-layer header is in the first fragment.
 */
import { formatIPv6, toHex } from "../../bytes/index.js";
import {
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_ROUTING,
} from "./_constants.js";
import type { LayerCommon } from "./layer.js";

/** One TLV option inside a hop-by-hop or destination options header. */
export interface Ipv6Option {
  type: number;
  /** Length of the option data (0 for Pad1). */
  length: number;
  data: string;
}

/** One extension header; fields that do not apply to its type are -1 or empty. */
export class Ipv6Extension {
  /** The protocol number that announced it: 0, 43, 44, 51 or 60. */
  type: number;
  name: string;
  offset: number;
  length: number;
  nextHeader: number;
  options: Ipv6Option[];
  routingType: number;
  segmentsLeft: number;
  addresses: string[];
  fragmentOffset: number;
  moreFragments: boolean;
  identification: number;
  spi: number;
  sequence: number;
  truncated: boolean;
  malformed: string | null;

  constructor(type: number, offset: number) {
    this.type = type;
    this.name = extensionName(type);
    this.offset = offset;
    this.length = 0;
    this.nextHeader = -1;
    this.options = [];
    this.routingType = -1;
    this.segmentsLeft = -1;
    this.addresses = [];
    this.fragmentOffset = -1;
    this.moreFragments = false;
    this.identification = -1;
    this.spi = -1;
    this.sequence = -1;
    this.truncated = false;
    this.malformed = null;
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      type: this.type,
      name: this.name,
      offset: this.offset,
      length: this.length,
      nextHeader: this.nextHeader,
    };
    if (this.type === IPPROTO_HOPOPTS || this.type === IPPROTO_DSTOPTS) o.options = this.options;
    if (this.type === IPPROTO_ROUTING) {
      o.routingType = this.routingType;
      o.segmentsLeft = this.segmentsLeft;
      o.addresses = this.addresses;
    }
    if (this.type === IPPROTO_FRAGMENT) {
      o.fragmentOffset = this.fragmentOffset;
      o.moreFragments = this.moreFragments;
      o.identification = this.identification;
    }
    if (this.type === IPPROTO_AH) {
      o.spi = this.spi;
      o.sequence = this.sequence;
    }
    if (this.truncated) o.truncated = true;
    if (this.malformed !== null) o.malformed = this.malformed;
    return o;
  }
}

function extensionName(type: number): string {
  switch (type) {
    case IPPROTO_HOPOPTS:
      return "hop-by-hop";
    case IPPROTO_ROUTING:
      return "routing";
    case IPPROTO_FRAGMENT:
      return "fragment";
    case IPPROTO_DSTOPTS:
      return "destination-options";
    case IPPROTO_AH:
      return "ah";
    default:
      return `ext-${type}`;
  }
}

export class Ipv6Layer implements LayerCommon {
  readonly kind = "ipv6" as const;
  offset: number;
  /** Fixed header plus every extension header walked. */
  headerLength: number;
  truncated: boolean;
  malformed: string | null;
  version: number;
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  /** The next header field of the fixed header. */
  nextHeader: number;
  hopLimit: number;
  extensions: Ipv6Extension[];
  /** The protocol after the last extension header (what the payload is). */
  upperProtocol: number;
  /** Fragment header fields, -1/false when there is no fragment header. */
  fragmentOffset: number;
  moreFragments: boolean;
  fragmentId: number;
  payloadOffset: number;
  /** Bytes from `payloadOffset` to the end the header claims. */
  upperLength: number;
  /** End of the captured payload: min(claimed end, end of capture). */
  payloadEnd: number;
  /** Offset of the address upper-layer checksums use as destination (RFC 8200 8.1). */
  checksumDstOffset: number;
  private readonly data: Uint8Array;

  constructor(data: Uint8Array, offset: number) {
    this.data = data;
    this.offset = offset;
    this.headerLength = 40;
    this.truncated = false;
    this.malformed = null;
    this.version = -1;
    this.trafficClass = -1;
    this.flowLabel = -1;
    this.payloadLength = -1;
    this.nextHeader = -1;
    this.hopLimit = -1;
    this.extensions = [];
    this.upperProtocol = -1;
    this.fragmentOffset = -1;
    this.moreFragments = false;
    this.fragmentId = -1;
    this.payloadOffset = offset + 40;
    this.upperLength = 0;
    this.payloadEnd = offset + 40;
    this.checksumDstOffset = offset + 24;
  }

  get src(): string {
    return formatIPv6(this.data, this.offset + 8);
  }
  get dst(): string {
    return formatIPv6(this.data, this.offset + 24);
  }
  /** True when a fragment header says this is part of a fragmented packet. */
  get isFragment(): boolean {
    return this.fragmentOffset > 0 || this.moreFragments;
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      version: this.version,
      trafficClass: this.trafficClass,
      flowLabel: this.flowLabel,
      payloadLength: this.payloadLength,
      nextHeader: this.nextHeader,
      hopLimit: this.hopLimit,
      src: this.src,
      dst: this.dst,
      upperProtocol: this.upperProtocol,
    };
    if (this.extensions.length > 0) o.extensions = this.extensions.map((e) => e.toJSON());
    if (this.fragmentOffset >= 0) {
      o.fragmentOffset = this.fragmentOffset;
      o.moreFragments = this.moreFragments;
      o.fragmentId = this.fragmentId;
    }
    if (this.truncated) o.truncated = true;
    if (this.malformed !== null) o.malformed = this.malformed;
    return o;
  }
}

/** At most this many extension headers are walked; more is an attack, not a packet. */
const MAX_EXTENSIONS = 16;

function isExtension(p: number): boolean {
  return (
    p === IPPROTO_HOPOPTS ||
    p === IPPROTO_ROUTING ||
    p === IPPROTO_FRAGMENT ||
    p === IPPROTO_DSTOPTS ||
    p === IPPROTO_AH
  );
}

/**
 * Decodes the IPv6 header at `offset` and walks its extension headers.
 *
 * @example
 * const ip6 = decodeIpv6(frame, 14);
 * ip6.upperProtocol; // 58 for ICMPv6, even behind a hop-by-hop header
 */
export function decodeIpv6(data: Uint8Array, offset: number): Ipv6Layer {
  const ip = new Ipv6Layer(data, offset);
  const avail = data.length - offset;
  if (avail >= 1) {
    ip.version = data[offset]! >> 4;
    if (ip.version !== 6) ip.malformed = `version ${ip.version} in an IPv6 header`;
  }
  if (avail < 40) {
    ip.truncated = true;
    ip.headerLength = Math.max(0, avail);
    ip.payloadOffset = ip.payloadEnd = Math.max(offset, data.length);
    return ip;
  }
  const w0 =
    ((data[offset]! << 24) |
      (data[offset + 1]! << 16) |
      (data[offset + 2]! << 8) |
      data[offset + 3]!) >>>
    0;
  ip.trafficClass = (w0 >>> 20) & 0xff;
  ip.flowLabel = w0 & 0xfffff;
  ip.payloadLength = (data[offset + 4]! << 8) | data[offset + 5]!;
  ip.nextHeader = data[offset + 6]!;
  ip.hopLimit = data[offset + 7]!;
  // A zero payload length means a jumbogram (RFC 2675) or TSO; take the rest of the capture.
  const claimedEnd = offset + 40 + (ip.payloadLength === 0 ? avail - 40 : ip.payloadLength);
  const end = Math.min(claimedEnd, data.length);

  let next = ip.nextHeader;
  let p = offset + 40;
  while (isExtension(next)) {
    if (ip.extensions.length >= MAX_EXTENSIONS) {
      ip.malformed ??= `more than ${MAX_EXTENSIONS} extension headers`;
      break;
    }
    const ext = new Ipv6Extension(next, p);
    ip.extensions.push(ext);
    if (end - p < 8) {
      ext.truncated = true;
      ip.truncated = true;
      p = end;
      next = -1;
      break;
    }
    ext.nextHeader = data[p]!;
    const len = next === IPPROTO_AH ? (data[p + 1]! + 2) * 4 : (data[p + 1]! + 1) * 8;
    ext.length = next === IPPROTO_FRAGMENT ? 8 : len;
    if (p + ext.length > end) {
      ext.truncated = true;
      ip.truncated = true;
      if (p + ext.length > claimedEnd) ext.malformed = `length ${ext.length} runs past the packet`;
      p = end;
      next = -1;
      break;
    }
    decodeExtensionBody(data, ext);
    if (next === IPPROTO_FRAGMENT) {
      ip.fragmentOffset = ext.fragmentOffset;
      ip.moreFragments = ext.moreFragments;
      ip.fragmentId = ext.identification;
    }
    if (
      next === IPPROTO_ROUTING &&
      ext.segmentsLeft > 0 &&
      (ext.routingType === 0 || ext.routingType === 2) &&
      ext.addresses.length > 0
    ) {
      // The checksum is computed against the final destination, the last address listed.
      ip.checksumDstOffset = p + 8 + (ext.addresses.length - 1) * 16;
    }
    p += ext.length;
    next = ext.nextHeader;
    if (ip.fragmentOffset > 0) break; // later fragments carry no upper header
  }
  ip.upperProtocol = next;
  ip.headerLength = p - offset;
  ip.payloadOffset = p;
  ip.upperLength = Math.max(0, claimedEnd - p);
  ip.payloadEnd = Math.max(p, end);
  return ip;
}

function decodeExtensionBody(data: Uint8Array, ext: Ipv6Extension): void {
  const p = ext.offset;
  switch (ext.type) {
    case IPPROTO_HOPOPTS:
    case IPPROTO_DSTOPTS: {
      let q = p + 2;
      const end = p + ext.length;
      while (q < end) {
        const type = data[q]!;
        if (type === 0) {
          ext.options.push({ type, length: 0, data: "" });
          q++;
          continue;
        }
        if (q + 2 > end || q + 2 + data[q + 1]! > end) {
          ext.malformed = `option ${type} runs past the header`;
          break;
        }
        const len = data[q + 1]!;
        ext.options.push({ type, length: len, data: toHex(data, "", q + 2, q + 2 + len) });
        q += 2 + len;
      }
      break;
    }
    case IPPROTO_ROUTING: {
      ext.routingType = data[p + 2]!;
      ext.segmentsLeft = data[p + 3]!;
      if (ext.routingType === 0 || ext.routingType === 2) {
        for (let q = p + 8; q + 16 <= p + ext.length; q += 16)
          ext.addresses.push(formatIPv6(data, q));
      }
      break;
    }
    case IPPROTO_FRAGMENT: {
      const v = (data[p + 2]! << 8) | data[p + 3]!;
      ext.fragmentOffset = v & 0xfff8;
      ext.moreFragments = (v & 1) !== 0;
      ext.identification =
        ((data[p + 4]! << 24) | (data[p + 5]! << 16) | (data[p + 6]! << 8) | data[p + 7]!) >>> 0;
      break;
    }
    case IPPROTO_AH: {
      if (ext.length < 12) {
        ext.malformed = `AH length ${ext.length} is shorter than 12`;
        break;
      }
      ext.spi =
        ((data[p + 4]! << 24) | (data[p + 5]! << 16) | (data[p + 6]! << 8) | data[p + 7]!) >>> 0;
      ext.sequence =
        ((data[p + 8]! << 24) | (data[p + 9]! << 16) | (data[p + 10]! << 8) | data[p + 11]!) >>> 0;
      break;
    }
  }
}
