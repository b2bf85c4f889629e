/**
 * IPv4 and IPv6 address text.
 *
 * IPv6 output follows RFC 5952 section 4: lowercase hex, no leading zeros, the longest run of
 * two or more zero groups becomes "::" (the first one on a tie), and a single zero group is
 * never compressed. Section 5's mixed notation is used for IPv4-mapped addresses
 * (::ffff:192.0.2.1). Like glibc's inet_ntop (and so tcpdump), the deprecated IPv4-compatible
 * form ::a.b.c.d is also printed mixed when exactly the first 96 bits are zero (so "::1" and
 * "::" stay as they are), so that outputs compare equal with tcpdump's.
 */
import { getU16BE } from "./reader.js";

/**
 * Dotted-quad text of the 4 bytes at `offset`, or "" when fewer are available.
 *
 * @example
 * formatIPv4(new Uint8Array([127, 0, 0, 1])); // "127.0.0.1"
 */
export function formatIPv4(data: Uint8Array, offset = 0): string {
  if (offset < 0 || offset + 4 > data.length) return "";
  return `${data[offset]}.${data[offset + 1]}.${data[offset + 2]}.${data[offset + 3]}`;
}

/** Dotted-quad text of an address held as an unsigned 32-bit number. */
export function formatIPv4Number(v: number): string {
  return `${(v >>> 24) & 0xff}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

/**
 * Parses strict dotted-quad text (four decimal parts 0..255, no leading zeros, which some
 * resolvers read as octal). Returns null when malformed.
 */
export function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}

/**
 * RFC 5952 text of the 16 bytes at `offset`, or "" when fewer are available.
 *
 * @example
 * formatIPv6(parseIPv6("2001:db8:0:0:1:0:0:1")!); // "2001:db8::1:0:0:1"
 */
export function formatIPv6(data: Uint8Array, offset = 0): string {
  if (offset < 0 || offset + 16 > data.length) return "";
  // Longest run of zero groups (length >= 2), first on a tie.
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    const zero = data[offset + i * 2] === 0 && data[offset + i * 2 + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = i;
      const len = i - runStart + 1;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
    } else runStart = -1;
  }
  if (bestLen < 2) bestStart = -1;

  const w5 = getU16BE(data, offset + 10);
  const mixed = bestStart === 0 && (bestLen === 6 || (bestLen === 5 && w5 === 0xffff));
  const groups = mixed ? 6 : 8;
  let s = "";
  for (let i = 0; i < groups; i++) {
    if (i === bestStart) {
      s += "::";
      i += bestLen - 1;
      continue;
    }
    if (s !== "" && !s.endsWith(":")) s += ":";
    s += getU16BE(data, offset + i * 2).toString(16);
  }
  if (mixed) {
    if (!s.endsWith(":")) s += ":";
    s += formatIPv4(data, offset + 12);
  }
  return s;
}

/**
 * Parses IPv6 text: full, "::"-compressed, and with a trailing dotted quad
 * ("::ffff:10.0.0.1"). A zone suffix ("%eth0") is rejected; strip it first. Returns null when
 * malformed.
 */
export function parseIPv6(text: string): Uint8Array | null {
  if (text.length < 2 || text.length > 45) return null;
  const out = new Uint8Array(16);
  const dbl = text.indexOf("::");
  if (dbl >= 0 && text.indexOf("::", dbl + 1) >= 0) return null;
  const head = dbl >= 0 ? text.slice(0, dbl) : text;
  const tail = dbl >= 0 ? text.slice(dbl + 2) : "";
  const headWords = parseGroups(head);
  const tailWords = dbl >= 0 ? parseGroups(tail) : [];
  if (headWords === null || tailWords === null) return null;
  const total = headWords.length + tailWords.length;
  if (dbl >= 0 ? total > 7 : total !== 8) return null;
  for (let i = 0; i < headWords.length; i++) {
    out[i * 2] = headWords[i]! >> 8;
    out[i * 2 + 1] = headWords[i]! & 0xff;
  }
  const base = 8 - tailWords.length;
  for (let i = 0; i < tailWords.length; i++) {
    out[(base + i) * 2] = tailWords[i]! >> 8;
    out[(base + i) * 2 + 1] = tailWords[i]! & 0xff;
  }
  return out;
}

/** Splits "a:b:c" (maybe ending in a dotted quad) into 16-bit words; "" gives []. */
function parseGroups(part: string): number[] | null {
  if (part === "") return [];
  const groups = part.split(":");
  const words: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (i === groups.length - 1 && g.includes(".")) {
      const v4 = parseIPv4(g);
      if (v4 === null) return null;
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    words.push(Number.parseInt(g, 16));
  }
  return words;
}
