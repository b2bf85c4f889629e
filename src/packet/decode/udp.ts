/**
 * UDP (RFC 768; IPv6 rules in RFC 8200 section 8.1).
 *
 *   bytes 0..1 source port      bytes 2..3 destination port
 *   bytes 4..5 length (header + data, >= 8)
 *   bytes 6..7 checksum over pseudo-header, header and data
 *
 * Over IPv4 a zero checksum means the sender computed none. Over IPv6 a zero checksum is not
 * allowed and is reported as bad.
 */
import { checksumStatusOf } from "./_checksum.js";
import type { ChecksumStatus, LayerCommon } from "./layer.js";

export class UdpLayer implements LayerCommon {
  readonly kind = "udp" as const;
  offset: number;
  headerLength: number;
  truncated: boolean;
  malformed: string | null;
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: number;
  checksumStatus: ChecksumStatus;
  payloadOffset: number;
  /** Payload length per the UDP length field (or the IP length when that field is bad). */
  payloadLength: number;
  /** End of the captured payload. */
  payloadEnd: number;

  constructor(offset: number) {
    this.offset = offset;
    this.headerLength = 8;
    this.truncated = false;
    this.malformed = null;
    this.srcPort = -1;
    this.dstPort = -1;
    this.length = -1;
    this.checksum = -1;
    this.checksumStatus = "unverified";
    this.payloadOffset = offset + 8;
    this.payloadLength = 0;
    this.payloadEnd = offset + 8;
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      srcPort: this.srcPort,
      dstPort: this.dstPort,
      length: this.length,
      checksum: this.checksum,
      checksumStatus: this.checksumStatus,
      payloadLength: this.payloadLength,
    };
    if (this.truncated) o.truncated = true;
    if (this.malformed !== null) o.malformed = this.malformed;
    return o;
  }
}

/**
 * Decodes the UDP header at `offset`.
 *
 * @param ipPayloadLength bytes the IP header says the datagram has (defaults to the capture)
 * @param pseudoSum unfolded pseudo-header sum *without* the length (`ipv4PseudoHeaderSum(...,
 *   17, 0)`); the decoder adds the UDP length itself. -1 skips verification.
 * @param ipv6 true when carried by IPv6, where a zero checksum is invalid
 */
export function decodeUdp(
  data: Uint8Array,
  offset: number,
  ipPayloadLength = data.length - offset,
  pseudoSum = -1,
  ipv6 = false,
): UdpLayer {
  const u = new UdpLayer(offset);
  const avail = data.length - offset;
  if (avail < 8) {
    u.truncated = true;
    u.headerLength = Math.max(0, avail);
    if (avail >= 4) {
      u.srcPort = (data[offset]! << 8) | data[offset + 1]!;
      u.dstPort = (data[offset + 2]! << 8) | data[offset + 3]!;
    }
    u.payloadOffset = u.payloadEnd = Math.max(offset, data.length);
    return u;
  }
  u.srcPort = (data[offset]! << 8) | data[offset + 1]!;
  u.dstPort = (data[offset + 2]! << 8) | data[offset + 3]!;
  u.length = (data[offset + 4]! << 8) | data[offset + 5]!;
  u.checksum = (data[offset + 6]! << 8) | data[offset + 7]!;
  let len = u.length;
  if (len < 8) {
    u.malformed = `length ${len} is shorter than the header`;
    len = ipPayloadLength;
  } else if (len > ipPayloadLength) {
    u.malformed = `length ${len} exceeds the IP payload (${ipPayloadLength})`;
    len = ipPayloadLength;
  }
  u.payloadLength = Math.max(0, len - 8);
  u.payloadEnd = Math.min(offset + len, data.length);
  if (u.checksum === 0 && !ipv6) u.checksumStatus = "none";
  else if (u.checksum === 0) u.checksumStatus = "bad";
  else if (u.malformed !== null) u.checksumStatus = "unverified";
  else u.checksumStatus = checksumStatusOf(data, offset, len, pseudoSum < 0 ? -1 : pseudoSum + len);
  return u;
}
