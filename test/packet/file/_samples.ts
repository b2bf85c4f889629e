// Small hand-built captures used by the truncation and split-point tests. Each is built
// from parts, and `packetEnds` lists the byte offset where each packet-bearing part ends.

import {
  Bytes,
  block,
  concat,
  epb,
  frame,
  i64Option,
  idb,
  opb,
  pcapHeader,
  pcapRecord,
  shb,
  spb,
  textOption,
  u8Option,
} from "./_build.js";

export interface Sample {
  name: string;
  bytes: Uint8Array;
  /** Length of the file header (pcap) or first SHB (pcapng): shorter inputs cannot be read. */
  headerLength: number;
  /** Offsets at which a part ends: cutting there is not a truncation. */
  boundaries: number[];
  packetEnds: number[];
}

function build(name: string, parts: Array<[Uint8Array, boolean]>): Sample {
  const boundaries: number[] = [];
  const packetEnds: number[] = [];
  let at = 0;
  for (const [part, isPacket] of parts) {
    at += part.length;
    boundaries.push(at);
    if (isPacket) packetEnds.push(at);
  }
  return {
    name,
    bytes: concat(...parts.map(([p]) => p)),
    headerLength: parts[0]![0].length,
    boundaries,
    packetEnds,
  };
}

export function samples(): Sample[] {
  const nrb = block(
    false,
    4,
    new Bytes(false).u16(1).u16(8).u8(10, 0, 0, 1).text("a\0").padTo4().u16(0).u16(0),
  );
  return [
    build("pcap µs little-endian", [
      [pcapHeader(), false],
      [pcapRecord(true, 1, 2, frame(13)), true],
      [pcapRecord(true, 3, 4, frame(0), 60), true],
      [pcapRecord(true, 5, 6, frame(9, 7)), true],
    ]),
    build("pcap ns big-endian", [
      [pcapHeader({ magic: 0xa1b23c4d, littleEndian: false }), false],
      [pcapRecord(false, 1, 999_999_999, frame(21)), true],
      [pcapRecord(false, 2, 5, frame(2)), true],
    ]),
    build("pcapng two sections", [
      [shb(true, [textOption(1, "s1")]), false],
      [idb(true, 1, 0, [textOption(2, "lo"), u8Option(9, 9)]), false],
      [epb(true, 0, 1_700_000_000_000_000_001n, frame(17), 17, [textOption(1, "c")]), true],
      [spb(true, 5, frame(5)), true],
      [block(true, 0x00000bad, new Bytes().u32(1).u32(2)), false],
      [shb(false), false],
      [idb(false, 101, 64, [i64Option(false, 14, 100n)]), false],
      [nrb, false],
      [opb(false, 0, 1_000_001n, frame(6)), true],
      [epb(false, 0, 3n, frame(64)), true],
    ]),
  ];
}
