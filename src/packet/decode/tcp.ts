/**
 * TCP (RFC 9293), options from RFC 9293 (EOL, NOP, MSS), RFC 7323 (window scale,
 * timestamps), RFC 2018 (SACK), RFC 3168 (ECE, CWR) and RFC 3540 (NS, historic).
 *
 *   bytes 0..1   source port              bytes 2..3  destination port
 *   bytes 4..7   sequence number
 *   bytes 8..11  acknowledgment number
 *   byte 12      data offset (4 bits, header length in 32-bit words, >= 5) | reserved (3) | NS
 *   byte 13      CWR ECE URG ACK PSH RST SYN FIN   (high bit to low bit)
 *   bytes 14..15 window                   bytes 16..17 checksum (pseudo-header + segment)
 *   bytes 18..19 urgent pointer
 *   bytes 20..   options up to the data offset:
 *                  kind 0 EOL, 1 NOP (one byte each); otherwise kind | length (>= 2) | data:
 *                  2 MSS (4), 3 window scale (3), 4 SACK permitted (2), 5 SACK (2 + 8n),
 *                  8 timestamps (10)
 *
 * Options are decoded on first access to `options`, since most consumers never look.
 */
import { toHex } from "../../bytes/index.js";
import { checksumStatusOf } from "./_checksum.js";
import type { ChecksumStatus, LayerCommon } from "./layer.js";

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;
export const TCP_NS = 0x100;

/** One TCP option. Fields that do not apply to its kind are -1 or empty. */
export class TcpOption {
  kind: number;
  name: string;
  /** The option's length byte (1 for EOL and NOP). */
  length: number;
  mss: number;
  windowScale: number;
  tsVal: number;
  tsEcr: number;
  /** SACK blocks as [left, right] edges. */
  sackBlocks: [number, number][];
  /** Value bytes as hex, for kinds this decoder does not interpret. */
  data: string;
  /** Why this option is malformed (bad length for its kind), or null. */
  malformed: string | null;

  constructor(kind: number, length: number) {
    this.kind = kind;
    this.name = tcpOptionName(kind);
    this.length = length;
    this.mss = -1;
    this.windowScale = -1;
    this.tsVal = -1;
    this.tsEcr = -1;
    this.sackBlocks = [];
    this.data = "";
    this.malformed = null;
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = { kind: this.kind, name: this.name, length: this.length };
    if (this.mss >= 0) o.mss = this.mss;
    if (this.windowScale >= 0) o.windowScale = this.windowScale;
    if (this.tsVal >= 0) {
      o.tsVal = this.tsVal;
      o.tsEcr = this.tsEcr;
    }
    if (this.kind === 5) o.sackBlocks = this.sackBlocks;
    if (this.data !== "") o.data = this.data;
    if (this.malformed !== null) o.malformed = this.malformed;
    return o;
  }
}

export function tcpOptionName(kind: number): string {
  switch (kind) {
    case 0:
      return "eol";
    case 1:
      return "nop";
    case 2:
      return "mss";
    case 3:
      return "wscale";
    case 4:
      return "sackOK";
    case 5:
      return "sack";
    case 8:
      return "TS";
    case 19:
      return "md5";
    case 28:
      return "uto";
    case 29:
      return "tcp-ao";
    case 30:
      return "mptcp";
    case 34:
      return "tfo";
    default:
      return `unknown-${kind}`;
  }
}

export class TcpLayer implements LayerCommon {
  readonly kind = "tcp" as const;
  offset: number;
  /** Header length in bytes (data offset times 4). */
  headerLength: number;
  truncated: boolean;
  malformed: string | null;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** The data offset field (32-bit words). */
  dataOffset: number;
  /** The nine flag bits, NS included (see the TCP_* constants). */
  flags: number;
  window: number;
  checksum: number;
  checksumStatus: ChecksumStatus;
  urgentPointer: number;
  payloadOffset: number;
  /** Payload bytes the IP length claims. */
  payloadLength: number;
  /** End of the captured payload. */
  payloadEnd: number;
  private readonly data: Uint8Array;
  private optionList: TcpOption[] | null;
  private optionIssue: string | null;

  constructor(data: Uint8Array, offset: number) {
    this.data = data;
    this.offset = offset;
    this.headerLength = 20;
    this.truncated = false;
    this.malformed = null;
    this.srcPort = -1;
    this.dstPort = -1;
    this.seq = -1;
    this.ack = -1;
    this.dataOffset = -1;
    this.flags = 0;
    this.window = -1;
    this.checksum = -1;
    this.checksumStatus = "unverified";
    this.urgentPointer = -1;
    this.payloadOffset = offset + 20;
    this.payloadLength = 0;
    this.payloadEnd = offset + 20;
    this.optionList = null;
    this.optionIssue = null;
  }

  get fin(): boolean {
    return (this.flags & TCP_FIN) !== 0;
  }
  get syn(): boolean {
    return (this.flags & TCP_SYN) !== 0;
  }
  get rst(): boolean {
    return (this.flags & TCP_RST) !== 0;
  }
  get psh(): boolean {
    return (this.flags & TCP_PSH) !== 0;
  }
  get ackFlag(): boolean {
    return (this.flags & TCP_ACK) !== 0;
  }
  get urg(): boolean {
    return (this.flags & TCP_URG) !== 0;
  }
  get ece(): boolean {
    return (this.flags & TCP_ECE) !== 0;
  }
  get cwr(): boolean {
    return (this.flags & TCP_CWR) !== 0;
  }
  get ns(): boolean {
    return (this.flags & TCP_NS) !== 0;
  }

  /** Options, decoded on first access. */
  get options(): TcpOption[] {
    if (this.optionList === null) this.parseOptions();
    return this.optionList!;
  }

  /** Why the option area is malformed, or null (decodes the options if not done yet). */
  get optionsMalformed(): string | null {
    if (this.optionList === null) this.parseOptions();
    return this.optionIssue;
  }

  /** The raw payload bytes that were captured (a view, not a copy). */
  get payload(): Uint8Array {
    return this.data.subarray(this.payloadOffset, this.payloadEnd);
  }

  private parseOptions(): void {
    const list: TcpOption[] = [];
    const d = this.data;
    const end = Math.min(this.offset + this.headerLength, d.length);
    let p = this.offset + 20;
    while (p < end) {
      const kind = d[p]!;
      if (kind === 0 || kind === 1) {
        list.push(new TcpOption(kind, 1));
        p++;
        // Past EOL only padding may follow.
        if (kind === 0) break;
        continue;
      }
      if (p + 1 >= end) {
        this.optionIssue = `option ${tcpOptionName(kind)} has no length byte`;
        break;
      }
      const len = d[p + 1]!;
      if (len < 2) {
        this.optionIssue = `option ${tcpOptionName(kind)} has length ${len}`;
        break;
      }
      if (p + len > end) {
        this.optionIssue = `option ${tcpOptionName(kind)} length ${len} runs past the header`;
        break;
      }
      const o = new TcpOption(kind, len);
      const v = p + 2;
      switch (kind) {
        case 2:
          if (len === 4) o.mss = (d[v]! << 8) | d[v + 1]!;
          else o.malformed = `mss length ${len}, expected 4`;
          break;
        case 3:
          if (len === 3) o.windowScale = d[v]!;
          else o.malformed = `wscale length ${len}, expected 3`;
          break;
        case 4:
          if (len !== 2) o.malformed = `sackOK length ${len}, expected 2`;
          break;
        case 5:
          if ((len - 2) % 8 !== 0 || len === 2) {
            o.malformed = `sack length ${len} is not 2 + 8n`;
            o.data = toHex(d, "", v, p + len);
          } else {
            for (let q = v; q < p + len; q += 8) o.sackBlocks.push([u32(d, q), u32(d, q + 4)]);
          }
          break;
        case 8:
          if (len === 10) {
            o.tsVal = u32(d, v);
            o.tsEcr = u32(d, v + 4);
          } else o.malformed = `TS length ${len}, expected 10`;
          break;
        default:
          o.data = toHex(d, "", v, p + len);
      }
      if (o.malformed !== null && o.data === "") o.data = toHex(d, "", v, p + len);
      if (o.malformed !== null) this.optionIssue ??= o.malformed;
      list.push(o);
      p += len;
    }
    this.optionList = list;
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      srcPort: this.srcPort,
      dstPort: this.dstPort,
      seq: this.seq,
      ack: this.ack,
      dataOffset: this.dataOffset,
      flags: this.flags,
      flagNames: tcpFlagNames(this.flags),
      window: this.window,
      checksum: this.checksum,
      checksumStatus: this.checksumStatus,
      urgentPointer: this.urgentPointer,
      payloadLength: this.payloadLength,
    };
    if (!this.truncated && this.headerLength > 20) {
      o.options = this.options.map((x) => x.toJSON());
      if (this.optionsMalformed !== null) o.optionsMalformed = this.optionsMalformed;
    }
    if (this.truncated) o.truncated = true;
    if (this.malformed !== null) o.malformed = this.malformed;
    return o;
  }
}

const FLAG_NAMES = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS"];

/** The names of the set flags, low bit first: ["SYN", "ACK"]. */
export function tcpFlagNames(flags: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < 9; i++) if (flags & (1 << i)) out.push(FLAG_NAMES[i]!);
  return out;
}

function u32(d: Uint8Array, p: number): number {
  return ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;
}

/**
 * Decodes the TCP header at `offset`.
 *
 * @param segmentLength bytes the IP header says the segment has (defaults to the capture)
 * @param pseudoSum unfolded pseudo-header sum *without* the length
 *   (`ipv4PseudoHeaderSum(src, 0, dst, 0, 6, 0)`), or -1 to skip verification
 *
 * @example
 * const tcp = decodeTcp(segment, 0);
 * tcp.syn && tcp.options.find((o) => o.kind === 2)?.mss;
 */
export function decodeTcp(
  data: Uint8Array,
  offset: number,
  segmentLength = data.length - offset,
  pseudoSum = -1,
): TcpLayer {
  const t = new TcpLayer(data, offset);
  const avail = data.length - offset;
  if (avail < 20) {
    t.truncated = true;
    t.headerLength = Math.max(0, avail);
    if (avail >= 4) {
      t.srcPort = (data[offset]! << 8) | data[offset + 1]!;
      t.dstPort = (data[offset + 2]! << 8) | data[offset + 3]!;
    }
    if (avail >= 8) t.seq = u32(data, offset + 4);
    if (avail >= 12) t.ack = u32(data, offset + 8);
    if (avail >= 14) {
      t.dataOffset = data[offset + 12]! >> 4;
      t.flags = ((data[offset + 12]! & 1) << 8) | data[offset + 13]!;
    }
    t.payloadOffset = t.payloadEnd = Math.max(offset, data.length);
    return t;
  }
  t.srcPort = (data[offset]! << 8) | data[offset + 1]!;
  t.dstPort = (data[offset + 2]! << 8) | data[offset + 3]!;
  t.seq = u32(data, offset + 4);
  t.ack = u32(data, offset + 8);
  const b12 = data[offset + 12]!;
  t.dataOffset = b12 >> 4;
  t.flags = ((b12 & 1) << 8) | data[offset + 13]!;
  t.window = (data[offset + 14]! << 8) | data[offset + 15]!;
  t.checksum = (data[offset + 16]! << 8) | data[offset + 17]!;
  t.urgentPointer = (data[offset + 18]! << 8) | data[offset + 19]!;
  const hl = t.dataOffset * 4;
  if (hl < 20) {
    t.malformed = `data offset ${t.dataOffset} is below 5`;
    t.payloadOffset = t.payloadEnd = offset + 20;
    return t;
  }
  t.headerLength = hl;
  if (hl > segmentLength) {
    t.malformed = `header length ${hl} exceeds the segment (${segmentLength})`;
  }
  if (hl > avail) {
    t.truncated = true;
    t.payloadOffset = t.payloadEnd = data.length;
    return t;
  }
  t.payloadOffset = offset + hl;
  t.payloadLength = Math.max(0, segmentLength - hl);
  t.payloadEnd = Math.max(t.payloadOffset, Math.min(offset + segmentLength, data.length));
  t.checksumStatus =
    t.malformed !== null
      ? "unverified"
      : checksumStatusOf(
          data,
          offset,
          segmentLength,
          pseudoSum < 0 ? -1 : pseudoSum + segmentLength,
        );
  return t;
}
