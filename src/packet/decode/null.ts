/**
 * BSD loopback encapsulation (LINKTYPE_NULL and LINKTYPE_LOOP).
 * Reference: tcpdump.org/linktypes/LINKTYPE_NULL.html.
 *
 *   bytes 0..3  address family of the payload, a 32-bit value
 *
 * LINKTYPE_NULL stores it in the byte order of the machine that captured, which the file does
 * not record; LINKTYPE_LOOP is always big-endian. Real AF values are small, so a value with
 * bits in its upper half was read in the wrong order. AF_INET is 2 everywhere; AF_INET6 is 24
 * (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly) or 30 (macOS); Linux's 10 also occurs.
 */
import type { LayerCommon } from "./layer.js";

export class NullLayer implements LayerCommon {
  readonly kind = "null" as const;
  offset: number;
  headerLength: number;
  truncated: boolean;
  malformed: string | null;
  /** The address family value, -1 when truncated. */
  family: number;
  /** The byte order the family value was found in. */
  byteOrder: "little" | "big";

  constructor(offset: number) {
    this.offset = offset;
    this.headerLength = 4;
    this.truncated = false;
    this.malformed = null;
    this.family = -1;
    this.byteOrder = "little";
  }

  /** 4 for IPv4, 6 for IPv6, 0 for anything else. */
  get ipVersion(): number {
    const f = this.family;
    if (f === 2) return 4;
    if (f === 10 || f === 24 || f === 28 || f === 30) return 6;
    return 0;
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      family: this.family,
      byteOrder: this.byteOrder,
    };
    if (this.truncated) o.truncated = true;
    return o;
  }
}

/** Decodes the 4-byte family header; `bigEndian` forces LINKTYPE_LOOP's fixed order. */
export function decodeNull(data: Uint8Array, offset: number, bigEndian = false): NullLayer {
  const n = new NullLayer(offset);
  if (data.length - offset < 4) {
    n.truncated = true;
    n.headerLength = Math.max(0, data.length - offset);
    return n;
  }
  const be =
    ((data[offset]! << 24) |
      (data[offset + 1]! << 16) |
      (data[offset + 2]! << 8) |
      data[offset + 3]!) >>>
    0;
  const le =
    (data[offset]! |
      (data[offset + 1]! << 8) |
      (data[offset + 2]! << 16) |
      (data[offset + 3]! << 24)) >>>
    0;
  if (bigEndian || le > 0xffff) {
    n.family = be;
    n.byteOrder = "big";
  } else {
    n.family = le;
    n.byteOrder = "little";
  }
  return n;
}
