/**
 * IEEE 802.1Q VLAN tags and 802.1ad (QinQ) stacked tags.
 * Reference: IEEE 802.1Q-2018 clause 9.6 (tag format).
 *
 * The tag protocol identifier (0x8100 C-tag, 0x88a8 S-tag, legacy 0x9100) is the EtherType
 * field of the header before it, so this layer starts at the tag control information:
 *
 *   bits 15..13  priority code point (PCP)
 *   bit  12      drop eligible indicator (DEI, formerly CFI)
 *   bits 11..0   VLAN identifier (VID)
 *   bytes 2..3   EtherType of what follows (another TPID for stacked tags)
 */
import type { LayerCommon } from "./layer.js";

export class VlanLayer implements LayerCommon {
  readonly kind = "vlan" as const;
  offset: number;
  headerLength: number;
  truncated: boolean;
  malformed: string | null;
  /** The tag protocol identifier that announced this tag. */
  tpid: number;
  pcp: number;
  dei: boolean;
  vid: number;
  /** EtherType of the payload, or -1 when truncated. */
  etherType: number;

  constructor(offset: number, tpid: number) {
    this.offset = offset;
    this.headerLength = 4;
    this.truncated = false;
    this.malformed = null;
    this.tpid = tpid;
    this.pcp = -1;
    this.dei = false;
    this.vid = -1;
    this.etherType = -1;
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      tpid: this.tpid,
      pcp: this.pcp,
      dei: this.dei,
      vid: this.vid,
      etherType: this.etherType,
    };
    if (this.truncated) o.truncated = true;
    return o;
  }
}

/** Decodes the 4 bytes after a VLAN TPID. */
export function decodeVlan(data: Uint8Array, offset: number, tpid: number): VlanLayer {
  const v = new VlanLayer(offset, tpid);
  if (data.length - offset < 4) {
    v.truncated = true;
    v.headerLength = Math.max(0, data.length - offset);
    if (data.length - offset >= 2) {
      const tci = (data[offset]! << 8) | data[offset + 1]!;
      v.pcp = tci >> 13;
      v.dei = (tci & 0x1000) !== 0;
      v.vid = tci & 0x0fff;
    }
    return v;
  }
  const tci = (data[offset]! << 8) | data[offset + 1]!;
  v.pcp = tci >> 13;
  v.dei = (tci & 0x1000) !== 0;
  v.vid = tci & 0x0fff;
  v.etherType = (data[offset + 2]! << 8) | data[offset + 3]!;
  return v;
}
