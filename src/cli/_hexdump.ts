/**
 * The hex dump tcpdump prints under a packet line with -x (hex) and -X (hex and ASCII):
 * lines of 16 bytes, each "\n\t0xOOOO: " followed by the bytes in groups of two, offsets
 * counted from the first byte dumped. With ASCII the hex part is padded to its full width
 * and followed by two spaces and the bytes, graphic ones (not space) as themselves and others as ".".
 */

import type { DecodedPacket } from "../packet/index.js";

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) =>
  b.toString(16).padStart(2, "0"),
);
const ASCII_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) =>
  b > 0x20 && b < 0x7f ? String.fromCharCode(b) : ".",
);
/** Width of a full line's hex part: 8 groups of " xxxx". */
const HEX_WIDTH = 40;

/**
 * Bytes [start, end) of `data` as tcpdump -x (ascii false) or -X (ascii true) prints them,
 * each line starting with "\n\t" so that the dump can follow the packet line directly.
 *
 * @example
 * hexDump(new Uint8Array([0x45, 0, 0, 0x51, 0xa2]), 0, 5, true);
 * // "\n\t0x0000:  4500 0051 a2                             E..Q."
 */
export function hexDump(data: Uint8Array, start: number, end: number, ascii: boolean): string {
  let out = "";
  for (let line = start; line < end; line += 16) {
    const lineEnd = Math.min(line + 16, end);
    let hex = "";
    let text = "";
    for (let i = line; i < lineEnd; i += 2) {
      hex += ` ${HEX_BYTE[data[i]!]}`;
      if (i + 1 < lineEnd) hex += HEX_BYTE[data[i + 1]!];
    }
    out += `\n\t0x${(line - start).toString(16).padStart(4, "0")}: ${hex}`;
    if (ascii) {
      for (let i = line; i < lineEnd; i++) text += ASCII_BYTE[data[i]!];
      out += `${" ".repeat(HEX_WIDTH - hex.length)}  ${text}`;
    }
  }
  return out;
}

/**
 * Where tcpdump -x starts dumping: after the link-layer header and any VLAN tags it printed
 * (Ethernet 14 + 4 per tag, Linux cooked 16 or 20, BSD loopback 4, raw IP 0), never past the
 * captured bytes.
 */
export function linkHeaderEnd(pkt: DecodedPacket): number {
  let end = 0;
  for (const l of pkt.layers) {
    if (l.kind !== "ethernet" && l.kind !== "vlan" && l.kind !== "sll" && l.kind !== "sll2") {
      if (l.kind !== "null") break;
    }
    end = l.offset + l.headerLength;
  }
  return Math.min(end, pkt.capturedLength);
}
