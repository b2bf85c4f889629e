/**
 * A minimal classic-pcap reader and writer for the decoder tests, so they do not depend on
 * src/packet/file while it is being written. Microsecond and nanosecond magic, both byte
 * orders; no pcapng.
 */
import { readFileSync, writeFileSync } from "node:fs";

export interface TestRecord {
  linkType: number;
  seconds: number;
  nanos: number;
  capturedLength: number;
  originalLength: number;
  data: Uint8Array;
}

export function readPcap(path: string): TestRecord[] {
  const buf = new Uint8Array(readFileSync(path));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  let le: boolean;
  let nano: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
    le = true;
    nano = magic === 0xa1b23c4d;
  } else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) {
    le = false;
    nano = magic === 0x4d3cb2a1;
  } else throw new Error(`${path}: not a classic pcap file`);
  const linkType = dv.getUint32(20, le) & 0x0fffffff;
  const out: TestRecord[] = [];
  let p = 24;
  while (p + 16 <= buf.length) {
    const sec = dv.getUint32(p, le);
    const frac = dv.getUint32(p + 4, le);
    const incl = dv.getUint32(p + 8, le);
    const orig = dv.getUint32(p + 12, le);
    p += 16;
    if (p + incl > buf.length) break;
    out.push({
      linkType,
      seconds: sec,
      nanos: nano ? frac : frac * 1000,
      capturedLength: incl,
      originalLength: orig,
      data: buf.slice(p, p + incl),
    });
    p += incl;
  }
  return out;
}

/** Writes frames to a microsecond pcap; timestamps are 1700000000 + i seconds. */
export function writePcap(
  path: string,
  linkType: number,
  frames: Uint8Array[],
  originalLengths?: number[],
): void {
  let total = 24;
  for (const f of frames) total += 16 + f.length;
  const buf = new Uint8Array(total);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 262144, true);
  dv.setUint32(20, linkType, true);
  let p = 24;
  frames.forEach((f, i) => {
    dv.setUint32(p, 1700000000 + i, true);
    dv.setUint32(p + 4, 0, true);
    dv.setUint32(p + 8, f.length, true);
    dv.setUint32(p + 12, originalLengths?.[i] ?? f.length, true);
    buf.set(f, p + 16);
    p += 16 + f.length;
  });
  writeFileSync(path, buf);
}
