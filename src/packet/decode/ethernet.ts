/**
 * Ethernet II (DIX) and IEEE 802.3 frames with 802.2 LLC and SNAP.
 * Reference: IEEE 802.3 clause 3.2.6 (type/length field), IEEE 802.2 (LLC), RFC 1042 (SNAP).
 *
 *   bytes 0..5    destination MAC
 *   bytes 6..11   source MAC
 *   bytes 12..13  type or length:
 *                   >= 0x0600  an EtherType: the payload starts at byte 14 (Ethernet II)
 *                   <= 0x05dc  a payload length: an 802.2 LLC header follows (802.3)
 *                   in between undefined, reported as malformed
 *   802.3 only:   DSAP (1) | SSAP (1) | control (1, or 2 for I/S frames)
 *                 and when DSAP = SSAP = 0xaa, SNAP: OUI (3) | protocol id (2)
 *
 * The frame check sequence is not part of captures on Linux and is not looked for.
 */
import { formatMac } from "../../bytes/index.js";
import type { LayerCommon } from "./layer.js";

export class EthernetLayer implements LayerCommon {
  readonly kind = "ethernet" as const;
  offset: number;
  headerLength: number;
  truncated: boolean;
  malformed: string | null;
  /** The raw type/length field. */
  typeOrLength: number;
  /** The EtherType of the payload (from SNAP for 802.3 frames), or -1 when there is none. */
  etherType: number;
  /** The 802.3 length field, or -1 for Ethernet II. */
  length: number;
  /** 802.2 LLC fields, -1 when absent. */
  dsap: number;
  ssap: number;
  control: number;
  /** SNAP organisation code and protocol id, -1 when absent. */
  snapOui: number;
  snapPid: number;
  private readonly data: Uint8Array;

  constructor(data: Uint8Array, offset: number) {
    this.data = data;
    this.offset = offset;
    this.headerLength = 14;
    this.truncated = false;
    this.malformed = null;
    this.typeOrLength = -1;
    this.etherType = -1;
    this.length = -1;
    this.dsap = -1;
    this.ssap = -1;
    this.control = -1;
    this.snapOui = -1;
    this.snapPid = -1;
  }

  get dst(): string {
    return formatMac(this.data, this.offset);
  }

  get src(): string {
    return formatMac(this.data, this.offset + 6);
  }

  /** True for 802.3 length frames (LLC follows). */
  get isLlc(): boolean {
    return this.length >= 0;
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      dst: this.dst,
      src: this.src,
      typeOrLength: this.typeOrLength,
      etherType: this.etherType,
    };
    if (this.length >= 0) {
      o.length = this.length;
      o.dsap = this.dsap;
      o.ssap = this.ssap;
      o.control = this.control;
      if (this.snapOui >= 0) {
        o.snapOui = this.snapOui;
        o.snapPid = this.snapPid;
      }
    }
    if (this.truncated) o.truncated = true;
    if (this.malformed !== null) o.malformed = this.malformed;
    return o;
  }
}

/**
 * Decodes the Ethernet header at `offset`.
 *
 * @example
 * const eth = decodeEthernet(frame, 0);
 * if (eth.etherType === 0x0800) decodeIpv4(frame, eth.offset + eth.headerLength);
 */
export function decodeEthernet(data: Uint8Array, offset: number): EthernetLayer {
  const eth = new EthernetLayer(data, offset);
  const avail = data.length - offset;
  if (avail < 14) {
    eth.truncated = true;
    eth.headerLength = Math.max(avail, 0);
    return eth;
  }
  const tl = (data[offset + 12]! << 8) | data[offset + 13]!;
  eth.typeOrLength = tl;
  if (tl >= 0x0600) {
    eth.etherType = tl;
    return eth;
  }
  if (tl > 1500) {
    eth.malformed = `type/length 0x${tl.toString(16)} is neither a length nor an EtherType`;
    return eth;
  }
  eth.length = tl;
  // 802.2 LLC. Control is one byte for U-format frames (low two bits 11), two otherwise.
  let p = offset + 14;
  if (data.length - p < 3) {
    eth.truncated = true;
    eth.headerLength = data.length - offset;
    return eth;
  }
  eth.dsap = data[p]!;
  eth.ssap = data[p + 1]!;
  const c0 = data[p + 2]!;
  if ((c0 & 3) === 3) {
    eth.control = c0;
    p += 3;
  } else {
    if (data.length - p < 4) {
      eth.truncated = true;
      eth.headerLength = data.length - offset;
      return eth;
    }
    eth.control = (c0 << 8) | data[p + 3]!;
    p += 4;
  }
  if (eth.dsap === 0xaa && eth.ssap === 0xaa) {
    if (data.length - p < 5) {
      eth.truncated = true;
      eth.headerLength = data.length - offset;
      return eth;
    }
    eth.snapOui = (data[p]! << 16) | (data[p + 1]! << 8) | data[p + 2]!;
    eth.snapPid = (data[p + 3]! << 8) | data[p + 4]!;
    // RFC 1042: OUI 0 means the protocol id is an EtherType.
    if (eth.snapOui === 0) eth.etherType = eth.snapPid;
    p += 5;
  }
  eth.headerLength = p - offset;
  return eth;
}
