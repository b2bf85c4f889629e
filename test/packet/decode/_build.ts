/**
 * Byte-exact packet builders for the decoder tests. Checksums are computed with the bytes
 * layer unless a test overrides them, so a test can also build deliberately bad packets.
 */
import {
  ByteWriter,
  internetChecksum,
  ipv4PseudoHeaderSum,
  ipv6PseudoHeaderSum,
  parseIPv4,
  parseIPv6,
  parseMac,
} from "../../../src/bytes/index.js";

export function concat(...parts: Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  for (const p of parts) w.bytes(p);
  return w.toBytes();
}

export function mac(text: string): Uint8Array {
  return parseMac(text)!;
}
export function v4(text: string): Uint8Array {
  return parseIPv4(text)!;
}
export function v6(text: string): Uint8Array {
  return parseIPv6(text)!;
}

export function ethernet(dst: string, src: string, type: number, payload: Uint8Array): Uint8Array {
  return new ByteWriter().bytes(mac(dst)).bytes(mac(src)).u16be(type).bytes(payload).toBytes();
}

/** A VLAN tag's 4 bytes after its TPID: TCI then the inner EtherType. */
export function vlanTag(pcp: number, dei: boolean, vid: number, innerType: number): Uint8Array {
  return new ByteWriter()
    .u16be((pcp << 13) | (dei ? 0x1000 : 0) | vid)
    .u16be(innerType)
    .toBytes();
}

export interface Ipv4Options {
  src?: string;
  dst?: string;
  protocol: number;
  payload: Uint8Array;
  id?: number;
  flags?: number;
  fragmentOffset?: number;
  ttl?: number;
  tos?: number;
  options?: Uint8Array;
  totalLength?: number;
  checksum?: number;
}

export function ipv4(o: Ipv4Options): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const hl = 20 + opts.length;
  const w = new ByteWriter()
    .u8(0x40 | (hl / 4))
    .u8(o.tos ?? 0)
    .u16be(o.totalLength ?? hl + o.payload.length)
    .u16be(o.id ?? 0x1234)
    .u16be(((o.flags ?? 2) << 13) | ((o.fragmentOffset ?? 0) / 8))
    .u8(o.ttl ?? 64)
    .u8(o.protocol)
    .u16be(0)
    .bytes(v4(o.src ?? "10.0.0.1"))
    .bytes(v4(o.dst ?? "10.0.0.2"))
    .bytes(opts);
  const c = o.checksum ?? internetChecksum(w.toBytes());
  w.patchU16BE(10, c);
  return concat(w.toBytes(), o.payload);
}

export interface Ipv6Options {
  src?: string;
  dst?: string;
  nextHeader: number;
  payload: Uint8Array;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
}

export function ipv6(o: Ipv6Options): Uint8Array {
  return new ByteWriter()
    .u32be((6 << 28) | ((o.trafficClass ?? 0) << 20) | (o.flowLabel ?? 0))
    .u16be(o.payload.length)
    .u8(o.nextHeader)
    .u8(o.hopLimit ?? 64)
    .bytes(v6(o.src ?? "2001:db8::1"))
    .bytes(v6(o.dst ?? "2001:db8::2"))
    .bytes(o.payload)
    .toBytes();
}

/** Pseudo-header sum (including `length`) for a segment between two addresses. */
export function pseudo(src: string, dst: string, proto: number, length: number): number {
  if (src.includes(":")) return ipv6PseudoHeaderSum(v6(src), 0, v6(dst), 0, proto, length);
  return ipv4PseudoHeaderSum(v4(src), 0, v4(dst), 0, proto, length);
}

export interface TcpOptions {
  src?: string;
  dst?: string;
  srcPort?: number;
  dstPort?: number;
  seq?: number;
  ack?: number;
  flags: number;
  window?: number;
  urgent?: number;
  options?: Uint8Array;
  payload?: Uint8Array;
  dataOffset?: number;
  checksum?: number;
}

/** A TCP segment with a correct checksum for the given addresses (10.0.0.1 -> 10.0.0.2). */
export function tcp(o: TcpOptions): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const payload = o.payload ?? new Uint8Array(0);
  const doff = o.dataOffset ?? (20 + opts.length) / 4;
  const w = new ByteWriter()
    .u16be(o.srcPort ?? 40000)
    .u16be(o.dstPort ?? 80)
    .u32be(o.seq ?? 1000)
    .u32be(o.ack ?? 0)
    .u8((doff << 4) | ((o.flags >> 8) & 1))
    .u8(o.flags & 0xff)
    .u16be(o.window ?? 65535)
    .u16be(0)
    .u16be(o.urgent ?? 0)
    .bytes(opts)
    .bytes(payload);
  const seg = w.toBytes();
  const c =
    o.checksum ??
    internetChecksum(
      seg,
      0,
      seg.length,
      pseudo(o.src ?? "10.0.0.1", o.dst ?? "10.0.0.2", 6, seg.length),
    );
  w.patchU16BE(16, c);
  return w.toBytes();
}

export interface UdpOptions {
  src?: string;
  dst?: string;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
  length?: number;
  checksum?: number;
}

export function udp(o: UdpOptions): Uint8Array {
  const len = 8 + o.payload.length;
  const w = new ByteWriter()
    .u16be(o.srcPort)
    .u16be(o.dstPort)
    .u16be(o.length ?? len)
    .u16be(0)
    .bytes(o.payload);
  const seg = w.toBytes();
  let c = o.checksum;
  if (c === undefined) {
    c = internetChecksum(
      seg,
      0,
      seg.length,
      pseudo(o.src ?? "10.0.0.1", o.dst ?? "10.0.0.2", 17, len),
    );
    if (c === 0) c = 0xffff; // RFC 768: a computed zero is sent as all ones
  }
  w.patchU16BE(6, c);
  return w.toBytes();
}

/** ICMP message: type, code, the 4 "rest of header" bytes, then data; checksum computed. */
export function icmp(type: number, code: number, rest: Uint8Array, data: Uint8Array): Uint8Array {
  const w = new ByteWriter().u8(type).u8(code).u16be(0).bytes(rest).bytes(data);
  w.patchU16BE(2, internetChecksum(w.toBytes()));
  return w.toBytes();
}

/** ICMPv6 message with the checksum over the IPv6 pseudo-header. */
export function icmpv6(
  type: number,
  code: number,
  body: Uint8Array,
  src = "2001:db8::1",
  dst = "2001:db8::2",
): Uint8Array {
  const w = new ByteWriter().u8(type).u8(code).u16be(0).bytes(body);
  const m = w.toBytes();
  w.patchU16BE(2, internetChecksum(m, 0, m.length, pseudo(src, dst, 58, m.length)));
  return w.toBytes();
}

export function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

/** DNS name in wire form without compression. */
export function dnsName(name: string): Uint8Array {
  const w = new ByteWriter();
  if (name !== "") {
    for (const label of name.split(".")) {
      w.u8(label.length);
      for (let i = 0; i < label.length; i++) w.u8(label.charCodeAt(i));
    }
  }
  w.u8(0);
  return w.toBytes();
}

export function dnsHeader(
  id: number,
  flags: number,
  qd: number,
  an: number,
  ns: number,
  ar: number,
): Uint8Array {
  return new ByteWriter().u16be(id).u16be(flags).u16be(qd).u16be(an).u16be(ns).u16be(ar).toBytes();
}

/** A resource record whose owner name is a pointer to `ownerPointer` (e.g. 12). */
export function dnsRecord(
  ownerPointer: number,
  type: number,
  ttl: number,
  rdata: Uint8Array,
  cls = 1,
): Uint8Array {
  return new ByteWriter()
    .u16be(0xc000 | ownerPointer)
    .u16be(type)
    .u16be(cls)
    .u32be(ttl)
    .u16be(rdata.length)
    .bytes(rdata)
    .toBytes();
}

export const MAC_A = "00:11:22:33:44:55";
export const MAC_B = "66:77:88:99:aa:bb";
