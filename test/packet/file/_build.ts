// Byte-exact builders for test inputs, written independently of evnet's writers so that a
// bug shared by a writer and the reader cannot hide.

export class Bytes {
  private readonly parts: number[] = [];
  constructor(readonly littleEndian = true) {}

  get length(): number {
    return this.parts.length;
  }

  u8(...values: number[]): this {
    for (const v of values) this.parts.push(v & 0xff);
    return this;
  }

  u16(v: number): this {
    return this.littleEndian ? this.u8(v, v >> 8) : this.u8(v >> 8, v);
  }

  u32(v: number): this {
    const b = [v >>> 24, v >>> 16, v >>> 8, v];
    return this.u8(...(this.littleEndian ? b.reverse() : b));
  }

  u64(v: bigint): this {
    const hi = Number((BigInt.asUintN(64, v) >> 32n) & 0xffffffffn);
    const lo = Number(BigInt.asUintN(64, v) & 0xffffffffn);
    return this.littleEndian ? this.u32(lo).u32(hi) : this.u32(hi).u32(lo);
  }

  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.parts.push(bytes[i]! & 0xff);
    return this;
  }

  text(s: string): this {
    return this.raw(new TextEncoder().encode(s));
  }

  padTo4(): this {
    while (this.parts.length % 4 !== 0) this.parts.push(0);
    return this;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export function concat(...chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A frame of `length` bytes whose content identifies it: byte i is (seed + i) & 0xff. */
export function frame(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed + i) & 0xff;
  return out;
}

// ---- pcap ----

export interface PcapFileSpec {
  littleEndian?: boolean;
  magic?: number;
  major?: number;
  minor?: number;
  snaplen?: number;
  linkField?: number;
}

export function pcapHeader(spec: PcapFileSpec = {}): Uint8Array {
  return new Bytes(spec.littleEndian ?? true)
    .u32(spec.magic ?? 0xa1b2c3d4)
    .u16(spec.major ?? 2)
    .u16(spec.minor ?? 4)
    .u32(0)
    .u32(0)
    .u32(spec.snaplen ?? 65535)
    .u32(spec.linkField ?? 1)
    .bytes();
}

export function pcapRecord(
  littleEndian: boolean,
  seconds: number,
  frac: number,
  data: Uint8Array,
  originalLength = data.length,
  extra?: Uint8Array,
): Uint8Array {
  const b = new Bytes(littleEndian).u32(seconds).u32(frac).u32(data.length).u32(originalLength);
  if (extra) b.raw(extra);
  return b.raw(data).bytes();
}

// ---- pcapng ----

export type Option = [code: number, value: Uint8Array];

export function textOption(code: number, text: string): Option {
  return [code, new TextEncoder().encode(text)];
}

function options(b: Bytes, opts: Option[], endMarker = true): void {
  for (const [code, value] of opts) b.u16(code).u16(value.length).raw(value).padTo4();
  if (opts.length > 0 && endMarker) b.u16(0).u16(0);
}

/** A block: type, total length, body, options, total length. */
export function block(
  littleEndian: boolean,
  type: number,
  body: Bytes | Uint8Array,
  opts: Option[] = [],
): Uint8Array {
  const inner = new Bytes(littleEndian);
  inner.raw(body instanceof Bytes ? body.bytes() : body).padTo4();
  options(inner, opts);
  const total = inner.length + 12;
  return new Bytes(littleEndian).u32(type).u32(total).raw(inner.bytes()).u32(total).bytes();
}

export function shb(
  littleEndian = true,
  opts: Option[] = [],
  sectionLength = -1n,
  major = 1,
): Uint8Array {
  const body = new Bytes(littleEndian).u32(0x1a2b3c4d).u16(major).u16(0).u64(sectionLength);
  return block(littleEndian, 0x0a0d0d0a, body, opts);
}

export function idb(
  littleEndian: boolean,
  linkType: number,
  snaplen: number,
  opts: Option[] = [],
): Uint8Array {
  return block(littleEndian, 1, new Bytes(littleEndian).u16(linkType).u16(0).u32(snaplen), opts);
}

export function epb(
  littleEndian: boolean,
  interfaceId: number,
  timestamp: bigint,
  data: Uint8Array,
  originalLength = data.length,
  opts: Option[] = [],
): Uint8Array {
  const body = new Bytes(littleEndian)
    .u32(interfaceId)
    .u32(Number(timestamp >> 32n))
    .u32(Number(timestamp & 0xffffffffn))
    .u32(data.length)
    .u32(originalLength)
    .raw(data)
    .padTo4();
  return block(littleEndian, 6, body, opts);
}

export function opb(
  littleEndian: boolean,
  interfaceId: number,
  timestamp: bigint,
  data: Uint8Array,
  opts: Option[] = [],
): Uint8Array {
  const body = new Bytes(littleEndian)
    .u16(interfaceId)
    .u16(0)
    .u32(Number(timestamp >> 32n))
    .u32(Number(timestamp & 0xffffffffn))
    .u32(data.length)
    .u32(data.length)
    .raw(data)
    .padTo4();
  return block(littleEndian, 2, body, opts);
}

export function spb(littleEndian: boolean, originalLength: number, data: Uint8Array): Uint8Array {
  return block(littleEndian, 3, new Bytes(littleEndian).u32(originalLength).raw(data).padTo4());
}

export function u8Option(code: number, v: number): Option {
  return [code, Uint8Array.of(v)];
}

export function u32Option(littleEndian: boolean, code: number, v: number): Option {
  return [code, new Bytes(littleEndian).u32(v).bytes()];
}

export function i64Option(littleEndian: boolean, code: number, v: bigint): Option {
  return [code, new Bytes(littleEndian).u64(v).bytes()];
}
