/**
 * ICMP for IPv4 (RFC 792; RFC 1191 for the next-hop MTU).
 *
 *   byte 0 type | byte 1 code | bytes 2..3 checksum over the whole ICMP message
 *   bytes 4..7 depend on the type:
 *     echo (8) / echo reply (0), timestamp (13/14), info (15/16): identifier (2) | sequence (2)
 *     destination unreachable (3): unused (2) | next-hop MTU (2, code 4 only)
 *     redirect (5): gateway address (4)
 *     parameter problem (12): pointer (1) | unused (3)
 *     time exceeded (11), source quench (4): unused
 *   bytes 8..  echo: data; timestamp: three 32-bit times;
 *              errors (3, 4, 5, 11, 12): the original IP header and at least 8 bytes of its
 *              payload, decoded here into `embedded`
 */
import { formatIPv4 } from "../../bytes/index.js";
import { checksumStatusOf } from "./_checksum.js";
import type { ChecksumStatus, LayerCommon } from "./layer.js";
import type { Layer } from "./packet.js";

export class IcmpLayer implements LayerCommon {
  readonly kind = "icmp" as const;
  offset: number;
  headerLength: number;
  truncated: boolean;
  malformed: string | null;
  type: number;
  code: number;
  checksum: number;
  checksumStatus: ChecksumStatus;
  /** Echo/timestamp/info identifier and sequence, -1 for other types. */
  id: number;
  seq: number;
  /** Next-hop MTU of "fragmentation needed" (type 3 code 4), else -1. */
  mtu: number;
  /** Parameter problem pointer, else -1. */
  pointer: number;
  /** Timestamp request/reply times (ms since midnight UT), else -1. */
  originateTime: number;
  receiveTime: number;
  transmitTime: number;
  /** Length of the ICMP message per the IP header. */
  messageLength: number;
  /** For error messages: the layers of the quoted original datagram; else empty. */
  embedded: Layer[];
  private readonly data: Uint8Array;

  constructor(data: Uint8Array, offset: number) {
    this.data = data;
    this.offset = offset;
    this.headerLength = 8;
    this.truncated = false;
    this.malformed = null;
    this.type = -1;
    this.code = -1;
    this.checksum = -1;
    this.checksumStatus = "unverified";
    this.id = -1;
    this.seq = -1;
    this.mtu = -1;
    this.pointer = -1;
    this.originateTime = -1;
    this.receiveTime = -1;
    this.transmitTime = -1;
    this.messageLength = 0;
    this.embedded = [];
  }

  /** The redirect gateway (type 5), else "". */
  get gateway(): string {
    return this.type === 5 && !this.truncated ? formatIPv4(this.data, this.offset + 4) : "";
  }

  /** True for the types that quote the datagram that caused them. */
  get isError(): boolean {
    return isIcmpError(this.type);
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      type: this.type,
      code: this.code,
      checksum: this.checksum,
      checksumStatus: this.checksumStatus,
    };
    if (this.id >= 0) {
      o.id = this.id;
      o.seq = this.seq;
    }
    if (this.mtu >= 0) o.mtu = this.mtu;
    if (this.pointer >= 0) o.pointer = this.pointer;
    if (this.type === 5) o.gateway = this.gateway;
    if (this.originateTime >= 0) {
      o.originateTime = this.originateTime;
      o.receiveTime = this.receiveTime;
      o.transmitTime = this.transmitTime;
    }
    if (this.embedded.length > 0) o.embedded = this.embedded.map((l) => l.toJSON());
    if (this.truncated) o.truncated = true;
    if (this.malformed !== null) o.malformed = this.malformed;
    return o;
  }
}

export function isIcmpError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

function u32(d: Uint8Array, p: number): number {
  return ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;
}

/**
 * Decodes an ICMP message at `offset` whose length per the IP header is `messageLength`. The
 * quoted datagram of error messages is left for the caller (decodePacket fills `embedded`).
 */
export function decodeIcmp(
  data: Uint8Array,
  offset: number,
  messageLength = data.length - offset,
): IcmpLayer {
  const m = new IcmpLayer(data, offset);
  m.messageLength = messageLength;
  const avail = data.length - offset;
  if (avail < 4) {
    m.truncated = true;
    m.headerLength = Math.max(0, avail);
    if (avail >= 1) m.type = data[offset]!;
    if (avail >= 2) m.code = data[offset + 1]!;
    return m;
  }
  m.type = data[offset]!;
  m.code = data[offset + 1]!;
  m.checksum = (data[offset + 2]! << 8) | data[offset + 3]!;
  m.checksumStatus = checksumStatusOf(data, offset, messageLength, 0);
  if (avail < 8) {
    m.truncated = true;
    m.headerLength = avail;
    return m;
  }
  if (messageLength < 8) m.malformed = `message length ${messageLength} is shorter than 8`;
  const t = m.type;
  if (t === 0 || t === 8 || t === 13 || t === 14 || t === 15 || t === 16) {
    m.id = (data[offset + 4]! << 8) | data[offset + 5]!;
    m.seq = (data[offset + 6]! << 8) | data[offset + 7]!;
    if (t === 13 || t === 14) {
      if (avail < 20) {
        m.truncated = true;
        m.headerLength = avail;
        return m;
      }
      m.originateTime = u32(data, offset + 8);
      m.receiveTime = u32(data, offset + 12);
      m.transmitTime = u32(data, offset + 16);
      m.headerLength = 20;
    }
  } else if (t === 3 && m.code === 4) {
    m.mtu = (data[offset + 6]! << 8) | data[offset + 7]!;
  } else if (t === 12) {
    m.pointer = data[offset + 4]!;
  }
  return m;
}
