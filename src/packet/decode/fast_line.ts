/**
 * The one-line summary of the commonest packets (Ethernet or Linux cooked, IPv4 or IPv6
 * without extension headers, TCP or UDP), written as ASCII bytes straight from the packet's
 * bytes: no layer objects, no strings, no UTF-8 encoding pass afterwards.
 *
 * It exists for `evnet read`, which prints a million such lines in a few seconds: building
 * them through decodePacket and formatPacketLine spent most of its time allocating layer
 * objects and strings, collecting them again and encoding the result (bench/packet/run.mjs,
 * "lines" case; see docs/benchmarks.md). The line must be byte for byte what
 * `formatPacketLine(decodePacket(...))` gives, so this handles only packets whose every
 * header is whole and well-formed, and declines everything else (fragments, truncation,
 * malformed lengths or TCP options, other protocols): the caller then takes the general
 * path. DNS payloads are the one part taken from the general code, decoded and formatted by
 * decodeDns and formatDns themselves, so their many rules live in one place.
 *
 * test/packet/decode/fast_line.test.ts holds both paths to the same bytes over every fixture
 * capture, the crafted corpus cut at every length, and mutated frames.
 */
import { formatIPv6 } from "../../bytes/index.js";
import { putAscii, putDecimal, putIPv4, putTextIfAscii } from "./_ascii.js";
import {
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
} from "./_constants.js";
import { decodeDns } from "./dns.js";
import { formatDns } from "./summary.js";

/**
 * Room writeFastLine may use after `at`, DNS text aside. The longest line it writes is under
 * 1,000 bytes: two IPv6 addresses (45 each), every TCP field (about 130), 40 bytes of
 * options printed as "nop," (160) and an HTTP first line of up to 300 bytes, each of which
 * can take two bytes in UTF-8.
 */
export const FAST_LINE_MAX_BYTES = 1024;

/**
 * Writes the packet's line as `formatPacketLine(decodePacket(linkType, data))` would give
 * it (without timestamp and newline) into `dst` at `at`, and returns where it ends; or
 * returns -1, having written garbage after `at`, for a packet it leaves to the general path.
 * `dst` must have FAST_LINE_MAX_BYTES of room after `at`; a DNS summary is written only if
 * it fits in `dst` with a byte to spare (for the newline), and declined otherwise.
 *
 * @example
 * const line = new Uint8Array(FAST_LINE_MAX_BYTES);
 * const end = writeFastLine(line, 0, LINKTYPE_ETHERNET, frame);
 * const text = end >= 0 ? new TextDecoder().decode(line.subarray(0, end))
 *                       : formatPacketLine(decodePacket(LINKTYPE_ETHERNET, frame));
 */
export function writeFastLine(
  dst: Uint8Array,
  at: number,
  linkType: number,
  data: Uint8Array,
): number {
  let etherType: number;
  let off: number;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      // 0x0800 and 0x86dd are EtherTypes, never 802.3 lengths; VLAN tags are declined.
      if (data.length < 14) return -1;
      etherType = u16(data, 12);
      off = 14;
      break;
    case LINKTYPE_LINUX_SLL:
      if (data.length < 16) return -1;
      etherType = u16(data, 14);
      off = 16;
      break;
    case LINKTYPE_LINUX_SLL2:
      if (data.length < 20) return -1;
      etherType = u16(data, 0);
      off = 20;
      break;
    default:
      return -1;
  }
  if (etherType === ETHERTYPE_IPV4) return writeIpv4(dst, at, data, off);
  if (etherType === ETHERTYPE_IPV6) return writeIpv6(dst, at, data, off);
  return -1;
}

function u16(d: Uint8Array, p: number): number {
  return (d[p]! << 8) | d[p + 1]!;
}

function u32(d: Uint8Array, p: number): number {
  return ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;
}

/** Bytes of transport header that must be captured before this writes anything. */
function transportMinimum(protocol: number): number {
  return protocol === IPPROTO_TCP ? 20 : 8;
}

/** "IP a.b.c.d.P > e.f.g.h.Q: " and the transport's part (see decodeIpv4 for the rules). */
function writeIpv4(dst: Uint8Array, at: number, data: Uint8Array, off: number): number {
  const avail = data.length - off;
  if (avail < 20) return -1;
  const b0 = data[off]!;
  const hl = (b0 & 15) * 4;
  if (b0 >> 4 !== 4 || hl < 20 || hl > avail) return -1;
  let total = u16(data, off + 2);
  // Zero is what Linux records for segmentation offload: the packet runs to the capture's end.
  if (total === 0) total = avail;
  else if (total < hl) return -1;
  // Fragments (offset or more-fragments set) get lines of their own.
  if ((u16(data, off + 6) & 0x3fff) !== 0) return -1;
  const protocol = data[off + 9]!;
  if (protocol !== IPPROTO_TCP && protocol !== IPPROTO_UDP) return -1;
  const t = off + hl;
  if (data.length - t < transportMinimum(protocol)) return -1;
  at = putAscii(dst, at, "IP ");
  at = putIPv4(dst, at, data, off + 12);
  dst[at++] = 0x2e; // "."
  at = putDecimal(dst, at, u16(data, t));
  at = putAscii(dst, at, " > ");
  at = putIPv4(dst, at, data, off + 16);
  dst[at++] = 0x2e;
  at = putDecimal(dst, at, u16(data, t + 2));
  dst[at++] = 0x3a; // ":"
  dst[at++] = 0x20;
  const length = total - hl;
  return protocol === IPPROTO_TCP
    ? writeTcp(dst, at, data, t, length)
    : writeUdp(dst, at, data, t, length);
}

/** "IP6 a::b.P > c::d.Q: " and the transport's part, when no extension header comes first. */
function writeIpv6(dst: Uint8Array, at: number, data: Uint8Array, off: number): number {
  const avail = data.length - off;
  if (avail < 40 || data[off]! >> 4 !== 6) return -1;
  const protocol = data[off + 6]!;
  if (protocol !== IPPROTO_TCP && protocol !== IPPROTO_UDP) return -1;
  const t = off + 40;
  if (data.length - t < transportMinimum(protocol)) return -1;
  const payloadLength = u16(data, off + 4);
  // Zero means a jumbogram or segmentation offload: the rest of the capture.
  const length = payloadLength === 0 ? avail - 40 : payloadLength;
  at = putAscii(dst, at, "IP6 ");
  at = putAscii(dst, at, formatIPv6(data, off + 8));
  dst[at++] = 0x2e;
  at = putDecimal(dst, at, u16(data, t));
  at = putAscii(dst, at, " > ");
  at = putAscii(dst, at, formatIPv6(data, off + 24));
  dst[at++] = 0x2e;
  at = putDecimal(dst, at, u16(data, t + 2));
  dst[at++] = 0x3a;
  dst[at++] = 0x20;
  return protocol === IPPROTO_TCP
    ? writeTcp(dst, at, data, t, length)
    : writeUdp(dst, at, data, t, length);
}

function isDnsPort(p: number): boolean {
  return p === 53 || p === 5353;
}

function isHttpPort(p: number): boolean {
  return p === 80 || p === 8080;
}

/** The UDP part: "UDP, length N" or a DNS summary (see decodeUdp and formatUdp). */
function writeUdp(
  dst: Uint8Array,
  at: number,
  data: Uint8Array,
  off: number,
  ipLength: number,
): number {
  const length = u16(data, off + 4);
  if (length < 8 || length > ipLength) return -1;
  const sp = u16(data, off);
  const dp = u16(data, off + 2);
  if (isDnsPort(sp) || isDnsPort(dp)) {
    return putTextIfAscii(dst, at, formatDns(decodeDns(data, off + 8, length - 8)));
  }
  if (sp === 67 || sp === 68 || dp === 67 || dp === 68) return -1; // DHCP
  at = putAscii(dst, at, "UDP, length ");
  return putDecimal(dst, at, length - 8);
}

/** tcpdump's flag letters for byte 13, in its order, or "none". */
function putTcpFlags(dst: Uint8Array, at: number, flags: number): number {
  if (flags === 0) return putAscii(dst, at, "none");
  if (flags & 0x01) dst[at++] = 0x46; // F
  if (flags & 0x02) dst[at++] = 0x53; // S
  if (flags & 0x04) dst[at++] = 0x52; // R
  if (flags & 0x08) dst[at++] = 0x50; // P
  if (flags & 0x10) dst[at++] = 0x2e; // .
  if (flags & 0x20) dst[at++] = 0x55; // U
  if (flags & 0x40) dst[at++] = 0x45; // E
  if (flags & 0x80) dst[at++] = 0x57; // W
  return at;
}

/** The TCP part, as formatTcp prints it (see decodeTcp for the header rules). */
function writeTcp(
  dst: Uint8Array,
  at: number,
  data: Uint8Array,
  off: number,
  segment: number,
): number {
  const headerLength = (data[off + 12]! >> 4) * 4;
  if (headerLength < 20 || headerLength > segment || off + headerLength > data.length) return -1;
  const flags = data[off + 13]!;
  const length = segment - headerLength;
  at = putAscii(dst, at, "Flags [");
  at = putTcpFlags(dst, at, flags);
  dst[at++] = 0x5d; // "]"
  // Sequence numbers are printed for segments that occupy sequence space: data, SYN, FIN, RST.
  if (length > 0 || (flags & 0x07) !== 0) {
    const seq = u32(data, off + 4);
    at = putAscii(dst, at, ", seq ");
    at = putDecimal(dst, at, seq);
    if (length > 0) {
      dst[at++] = 0x3a;
      at = putDecimal(dst, at, (seq + length) >>> 0);
    }
  }
  if (flags & 0x10) {
    at = putAscii(dst, at, ", ack ");
    at = putDecimal(dst, at, u32(data, off + 8));
  }
  at = putAscii(dst, at, ", win ");
  at = putDecimal(dst, at, u16(data, off + 14));
  if (flags & 0x20) {
    at = putAscii(dst, at, ", urg ");
    at = putDecimal(dst, at, u16(data, off + 18));
  }
  if (headerLength > 20) {
    at = putAscii(dst, at, ", options [");
    at = writeTcpOptions(dst, at, data, off + 20, off + headerLength);
    if (at < 0) return -1;
    dst[at++] = 0x5d;
  }
  at = putAscii(dst, at, ", length ");
  at = putDecimal(dst, at, length);
  const payload = off + headerLength;
  const sp = u16(data, off);
  const dp = u16(data, off + 2);
  if (length >= 14 && (isDnsPort(sp) || isDnsPort(dp))) {
    dst[at++] = 0x20;
    return putTextIfAscii(dst, at, formatDns(decodeDns(data, payload, length, true)));
  }
  if (length > 0 && (isHttpPort(sp) || isHttpPort(dp))) {
    const end = Math.max(payload, Math.min(off + segment, data.length));
    at = writeHttp(dst, at, data, payload, end);
  }
  return at;
}

/**
 * The option list between the brackets, for well-formed options of the kinds tcpdump names
 * here (EOL, NOP, MSS, window scale, SACK permitted, SACK, timestamps); -1 for anything
 * else, whose wording (hex values, "[len N]", "[bad opt]") the general path owns.
 */
function writeTcpOptions(
  dst: Uint8Array,
  at: number,
  data: Uint8Array,
  p: number,
  end: number,
): number {
  let first = true;
  while (p < end) {
    if (!first) dst[at++] = 0x2c; // ","
    first = false;
    const kind = data[p]!;
    if (kind === 0) return putAscii(dst, at, "eol"); // only padding may follow
    if (kind === 1) {
      at = putAscii(dst, at, "nop");
      p++;
      continue;
    }
    if (p + 1 >= end) return -1;
    const length = data[p + 1]!;
    if (length < 2 || p + length > end) return -1;
    switch (kind) {
      case 2:
        if (length !== 4) return -1;
        at = putAscii(dst, at, "mss ");
        at = putDecimal(dst, at, u16(data, p + 2));
        break;
      case 3:
        if (length !== 3) return -1;
        at = putAscii(dst, at, "wscale ");
        at = putDecimal(dst, at, data[p + 2]!);
        break;
      case 4:
        if (length !== 2) return -1;
        at = putAscii(dst, at, "sackOK");
        break;
      case 5: {
        if (length === 2 || (length - 2) % 8 !== 0) return -1;
        at = putAscii(dst, at, "sack ");
        at = putDecimal(dst, at, (length - 2) / 8);
        dst[at++] = 0x20;
        for (let q = p + 2; q < p + length; q += 8) {
          dst[at++] = 0x7b; // "{"
          at = putDecimal(dst, at, u32(data, q));
          dst[at++] = 0x3a;
          at = putDecimal(dst, at, u32(data, q + 4));
          dst[at++] = 0x7d; // "}"
        }
        break;
      }
      case 8:
        if (length !== 10) return -1;
        at = putAscii(dst, at, "TS val ");
        at = putDecimal(dst, at, u32(data, p + 2));
        at = putAscii(dst, at, " ecr ");
        at = putDecimal(dst, at, u32(data, p + 6));
        break;
      default:
        return -1;
    }
    p += length;
  }
  return at;
}

/** Request and status lines tcpdump quotes: a method or "HTTP/d.d", then a space. */
const HTTP_METHODS = [
  "GET",
  "PUT",
  "POST",
  "HEAD",
  "DELETE",
  "OPTIONS",
  "TRACE",
  "CONNECT",
  "PATCH",
];

function startsWithWordAndSpace(data: Uint8Array, p: number, end: number, word: string): boolean {
  const n = word.length;
  if (end - p < n + 1 || data[p + n] !== 0x20) return false;
  for (let i = 0; i < n; i++) if (data[p + i] !== word.charCodeAt(i)) return false;
  return true;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** True when bytes [p, end) begin like an HTTP request or status line (formatHttp's regex). */
function isHttpFirstLine(data: Uint8Array, p: number, end: number): boolean {
  if (
    end - p >= 9 &&
    data[p] === 0x48 &&
    data[p + 1] === 0x54 &&
    data[p + 2] === 0x54 &&
    data[p + 3] === 0x50 &&
    data[p + 4] === 0x2f &&
    isDigit(data[p + 5]!) &&
    data[p + 6] === 0x2e &&
    isDigit(data[p + 7]!) &&
    data[p + 8] === 0x20
  ) {
    return true;
  }
  for (const method of HTTP_METHODS) if (startsWithWordAndSpace(data, p, end, method)) return true;
  return false;
}

/**
 * ": HTTP", followed by the request or status line when the payload starts with one that
 * ends within its first 300 bytes. Bytes from 0x80 up become two bytes, as the general
 * path's one-character-per-byte string does once encoded as UTF-8.
 */
function writeHttp(
  dst: Uint8Array,
  at: number,
  data: Uint8Array,
  start: number,
  end: number,
): number {
  const limit = Math.min(end, start + 300);
  let lineEnd = -1;
  for (let i = start; i < limit; i++) {
    const c = data[i]!;
    if (c === 0x0d || c === 0x0a) {
      lineEnd = i;
      break;
    }
  }
  if (lineEnd < 0 || !isHttpFirstLine(data, start, lineEnd)) return putAscii(dst, at, ": HTTP");
  at = putAscii(dst, at, ": HTTP: ");
  for (let i = start; i < lineEnd; i++) {
    const c = data[i]!;
    if (c < 0x80) dst[at++] = c;
    else {
      dst[at++] = 0xc0 | (c >> 6);
      dst[at++] = 0x80 | (c & 0x3f);
    }
  }
  return at;
}
