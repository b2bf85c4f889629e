/**
 * Decode-all micro-benchmark: packets per second for decodePacket over a mix of real loopback
 * frames (test/fixtures/packet/decode-loopback.pcap) and the crafted test corpus, repeated to
 * PACKETS frames. Also compares the read styles the bytes layer offers.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/build-decode && \
 *     node /tmp/build-decode/bench/packet/decode/decode_all.js [PACKETS]
 *
 * Run from the repository root (the fixture path is relative). Not a test: no assertions on
 * time; the numbers go to docs/benchmarks.md by hand.
 */
import { ByteReader, getU16BE, readU16BE } from "../../../src/bytes/index.js";
import { decodePacket, formatPacketLine } from "../../../src/packet/decode/index.js";
import { readCaptureFile } from "../../../src/packet/file/index.js";
import { corpus } from "../../../test/packet/decode/_corpus.js";

const PACKETS = Number(process.argv[2] ?? 300_000);

const base: Uint8Array[] = [
  ...Array.from(
    readCaptureFile("test/fixtures/packet/decode-loopback.pcap", { copy: true }),
    (r) => r.data,
  ),
  ...corpus.map((c) => c.frame),
];
const frames: Uint8Array[] = [];
for (let i = 0; i < PACKETS; i++) frames.push(base[i % base.length]!);

function time(label: string, fn: () => number, count = frames.length): void {
  fn(); // warm up
  const t0 = process.hrtime.bigint();
  const sink = fn();
  const ns = Number(process.hrtime.bigint() - t0);
  const pps = (count / ns) * 1e9;
  console.log(
    `${label.padEnd(44)} ${(pps / 1e6).toFixed(2).padStart(6)} M packets/s  (sink ${sink})`,
  );
}

console.log(`${frames.length} frames, ${base.length} distinct`);
time("decodePacket (checksums verified)", () => {
  let n = 0;
  for (const f of frames) n += decodePacket(1, f).layers.length;
  return n;
});
time("decodePacket (checksums off)", () => {
  let n = 0;
  for (const f of frames) n += decodePacket(1, f, f.length, { checksums: false }).layers.length;
  return n;
});
time("decodePacket + ports/flags (flow-tracker use)", () => {
  let n = 0;
  for (const f of frames) {
    const t = decodePacket(1, f, f.length, { checksums: false }).transport;
    if (t !== null && t.kind === "tcp") n += t.srcPort ^ t.dstPort ^ t.flags;
  }
  return n;
});
time(
  "decodePacket + every field (JSON.stringify)",
  () => {
    let n = 0;
    for (let i = 0; i < frames.length; i += 10)
      n += JSON.stringify(decodePacket(1, frames[i]!)).length;
    return n;
  },
  Math.ceil(frames.length / 10),
); // every tenth frame, to keep the run short
time("decodePacket + formatPacketLine", () => {
  let n = 0;
  for (const f of frames) n += formatPacketLine(decodePacket(1, f)).length;
  return n;
});

// Read styles, summing every 16-bit word of every frame.
time("reads: has()-style check + getU16BE", () => {
  let s = 0;
  for (const f of frames) {
    const end = f.length - 1;
    for (let p = 0; p < end; p += 2) s += getU16BE(f, p);
  }
  return s;
});
time("reads: readU16BE (checked, -1 past end)", () => {
  let s = 0;
  for (const f of frames) {
    for (let p = 0; ; p += 2) {
      const v = readU16BE(f, p);
      if (v < 0) break;
      s += v;
    }
  }
  return s;
});
time("reads: ByteReader.u16be (cursor, latch)", () => {
  let s = 0;
  for (const f of frames) {
    const r = new ByteReader(f);
    for (;;) {
      const v = r.u16be();
      if (r.truncated) break;
      s += v;
    }
  }
  return s;
});
time("reads: DataView.getUint16 in try/catch", () => {
  let s = 0;
  for (const f of frames) {
    const dv = new DataView(f.buffer, f.byteOffset, f.byteLength);
    try {
      for (let p = 0; ; p += 2) s += dv.getUint16(p);
    } catch {
      // RangeError at the end: the style the bytes layer avoids
    }
  }
  return s;
});
