/**
 * Linux "cooked" capture headers, what `tcpdump -i any` records.
 * Reference: tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and LINKTYPE_LINUX_SLL2.html.
 *
 * SLL (v1), 16 bytes:                     SLL2, 20 bytes:
 *   0..1   packet type                      0..1   protocol type
 *   2..3   ARPHRD_ link-layer type          2..3   reserved (zero)
 *   4..5   link-layer address length        4..7   interface index
 *   6..13  address (zero-padded to 8)       8..9   ARPHRD_ link-layer type
 *   14..15 protocol type                    10     packet type
 *                                           11     link-layer address length
 *                                           12..19 address (zero-padded to 8)
 *
 * Packet types: 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us.
 * The protocol type is an EtherType, except 1 (Novell 802.3), 4 (802.2 LLC follows) and a few
 * others that only some ARPHRD types use.
 */
import { toHex } from "../../bytes/index.js";
import type { LayerCommon } from "./layer.js";

const PACKET_TYPE_NAMES = ["In", "B", "M", "P", "Out"];

export class SllLayer implements LayerCommon {
  readonly kind: "sll" | "sll2";
  offset: number;
  headerLength: number;
  truncated: boolean;
  malformed: string | null;
  packetType: number;
  arphrdType: number;
  addressLength: number;
  /** Protocol type of the payload (normally an EtherType), -1 when truncated. */
  protocol: number;
  /** Interface index (SLL2 only; -1 for SLL). */
  interfaceIndex: number;
  private readonly data: Uint8Array;
  private readonly addressOffset: number;

  constructor(data: Uint8Array, offset: number, v2: boolean) {
    this.kind = v2 ? "sll2" : "sll";
    this.data = data;
    this.offset = offset;
    this.headerLength = v2 ? 20 : 16;
    this.truncated = false;
    this.malformed = null;
    this.packetType = -1;
    this.arphrdType = -1;
    this.addressLength = -1;
    this.protocol = -1;
    this.interfaceIndex = -1;
    this.addressOffset = offset + (v2 ? 12 : 6);
  }

  /** The link-layer address as colon-separated hex (a MAC for Ethernet devices). */
  get address(): string {
    const n = Math.min(Math.max(this.addressLength, 0), 8);
    return toHex(this.data, ":", this.addressOffset, this.addressOffset + n);
  }

  /** tcpdump's direction word for the packet type: In, Out, B, M, P. */
  get direction(): string {
    return PACKET_TYPE_NAMES[this.packetType] ?? `${this.packetType}`;
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      packetType: this.packetType,
      arphrdType: this.arphrdType,
      addressLength: this.addressLength,
      address: this.address,
      protocol: this.protocol,
    };
    if (this.kind === "sll2") o.interfaceIndex = this.interfaceIndex;
    if (this.truncated) o.truncated = true;
    if (this.malformed !== null) o.malformed = this.malformed;
    return o;
  }
}

/** Decodes a LINKTYPE_LINUX_SLL header. */
export function decodeSll(data: Uint8Array, offset: number): SllLayer {
  const s = new SllLayer(data, offset, false);
  if (data.length - offset < 16) {
    s.truncated = true;
    s.headerLength = Math.max(0, data.length - offset);
    return s;
  }
  s.packetType = (data[offset]! << 8) | data[offset + 1]!;
  s.arphrdType = (data[offset + 2]! << 8) | data[offset + 3]!;
  s.addressLength = (data[offset + 4]! << 8) | data[offset + 5]!;
  s.protocol = (data[offset + 14]! << 8) | data[offset + 15]!;
  return s;
}

/** Decodes a LINKTYPE_LINUX_SLL2 header. */
export function decodeSll2(data: Uint8Array, offset: number): SllLayer {
  const s = new SllLayer(data, offset, true);
  if (data.length - offset < 20) {
    s.truncated = true;
    s.headerLength = Math.max(0, data.length - offset);
    return s;
  }
  s.protocol = (data[offset]! << 8) | data[offset + 1]!;
  s.interfaceIndex =
    ((data[offset + 4]! << 24) |
      (data[offset + 5]! << 16) |
      (data[offset + 6]! << 8) |
      data[offset + 7]!) >>>
    0;
  s.arphrdType = (data[offset + 8]! << 8) | data[offset + 9]!;
  s.packetType = data[offset + 10]!;
  s.addressLength = data[offset + 11]!;
  return s;
}
