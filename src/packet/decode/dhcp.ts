/**
 * BOOTP (RFC 951) and DHCP (RFC 2131, options RFC 2132).
 *
 *   byte 0 op (1 request, 2 reply) | 1 htype | 2 hlen | 3 hops
 *   bytes 4..7 xid | 8..9 secs | 10..11 flags (top bit: broadcast)
 *   bytes 12..27 ciaddr, yiaddr, siaddr, giaddr (4 each)
 *   bytes 28..43 chaddr (16, hlen used) | 44..107 sname (64) | 108..235 file (128)
 *   bytes 236..239 magic cookie 99.130.83.99 (DHCP; plain BOOTP may carry vendor data)
 *   bytes 240..    options: code (1) | length (1) | value; 0 pad and 255 end have no length
 *
 * Options are decoded on first access.
 */
import { formatIPv4, toHex } from "../../bytes/index.js";
import type { LayerCommon } from "./layer.js";

export const DHCP_MESSAGE_TYPES = [
  "",
  "Discover",
  "Offer",
  "Request",
  "Decline",
  "ACK",
  "NACK",
  "Release",
  "Inform",
];

/** One DHCP option: its code, value length, where the value is in the frame, and as hex. */
export interface DhcpOption {
  code: number;
  length: number;
  offset: number;
  data: string;
}

export class DhcpLayer implements LayerCommon {
  readonly kind = "dhcp" as const;
  offset: number;
  headerLength: number;
  /** Header and lazily decoded parts together; read through the accessors below. */
  private t: boolean;
  private m: string | null;
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  /** True when bytes 236..239 hold the DHCP magic cookie. */
  magicCookie: boolean;
  private readonly data: Uint8Array;
  private readonly end: number;
  private optionList: DhcpOption[] | null;

  constructor(data: Uint8Array, offset: number, end: number) {
    this.data = data;
    this.offset = offset;
    this.end = end;
    this.headerLength = 236;
    this.t = false;
    this.m = null;
    this.op = -1;
    this.htype = -1;
    this.hlen = -1;
    this.hops = -1;
    this.xid = -1;
    this.secs = -1;
    this.flags = -1;
    this.magicCookie = false;
    this.optionList = null;
  }

  /** True when the capture ends inside the message (decodes the lazy parts first). */
  get truncated(): boolean {
    void this.options;
    return this.t;
  }
  set truncated(v: boolean) {
    this.t = v;
  }

  /** Why the message is malformed, or null (decodes the lazy parts first). */
  get malformed(): string | null {
    void this.options;
    return this.m;
  }
  set malformed(v: string | null) {
    this.m = v;
  }

  get broadcast(): boolean {
    return (this.flags & 0x8000) !== 0;
  }
  get ciaddr(): string {
    return formatIPv4(this.data, this.offset + 12);
  }
  get yiaddr(): string {
    return formatIPv4(this.data, this.offset + 16);
  }
  get siaddr(): string {
    return formatIPv4(this.data, this.offset + 20);
  }
  get giaddr(): string {
    return formatIPv4(this.data, this.offset + 24);
  }
  /** Client hardware address, `hlen` bytes (at most 16) as colon hex. */
  get chaddr(): string {
    const n = Math.min(Math.max(this.hlen, 0), 16);
    return this.headerLength < 236
      ? ""
      : toHex(this.data, ":", this.offset + 28, this.offset + 28 + n);
  }
  get serverName(): string {
    return this.headerLength < 236 ? "" : cString(this.data, this.offset + 44, this.offset + 108);
  }
  get bootFile(): string {
    return this.headerLength < 236 ? "" : cString(this.data, this.offset + 108, this.offset + 236);
  }

  /** Options in order (pad and end omitted), decoded on first access. */
  get options(): DhcpOption[] {
    if (this.optionList === null) this.parseOptions();
    return this.optionList!;
  }

  /** The value bytes of the first option with `code`, or null. */
  option(code: number): Uint8Array | null {
    for (const o of this.options) {
      if (o.code === code) return this.data.subarray(o.offset, o.offset + o.length);
    }
    return null;
  }

  /** Option 53: 1 Discover ... 8 Inform, or -1. */
  get messageType(): number {
    const v = this.option(53);
    return v !== null && v.length === 1 ? v[0]! : -1;
  }
  get messageTypeName(): string {
    const t = this.messageType;
    return DHCP_MESSAGE_TYPES[t] ?? (t < 0 ? "" : `Unknown(${t})`);
  }
  /** Option 50. */
  get requestedIp(): string {
    const v = this.option(50);
    return v !== null && v.length === 4 ? formatIPv4(v) : "";
  }
  /** Option 54. */
  get serverId(): string {
    const v = this.option(54);
    return v !== null && v.length === 4 ? formatIPv4(v) : "";
  }
  /** Option 51, seconds, or -1. */
  get leaseTime(): number {
    const v = this.option(51);
    return v !== null && v.length === 4
      ? ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0
      : -1;
  }
  /** Option 55: the option codes the client asks for. */
  get parameterList(): number[] {
    const v = this.option(55);
    return v === null ? [] : [...v];
  }
  /** Option 12. */
  get hostname(): string {
    const v = this.option(12);
    return v === null ? "" : String.fromCharCode(...v);
  }

  private parseOptions(): void {
    const list: DhcpOption[] = [];
    this.optionList = list;
    if (!this.magicCookie) return;
    const d = this.data;
    let p = this.offset + 240;
    while (p < this.end) {
      const code = d[p]!;
      if (code === 0) {
        p++;
        continue;
      }
      if (code === 255) return;
      if (p + 2 > this.end) {
        this.t = true;
        return;
      }
      const len = d[p + 1]!;
      if (p + 2 + len > this.end) {
        this.t = true;
        return;
      }
      list.push({ code, length: len, offset: p + 2, data: toHex(d, "", p + 2, p + 2 + len) });
      p += 2 + len;
    }
    // Running out of bytes before the end option: RFC 2131 requires one.
    this.m ??= "options are not terminated by an end option";
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      op: this.op,
      htype: this.htype,
      hlen: this.hlen,
      hops: this.hops,
      xid: this.xid,
      secs: this.secs,
      flags: this.flags,
      broadcast: this.broadcast,
      ciaddr: this.ciaddr,
      yiaddr: this.yiaddr,
      siaddr: this.siaddr,
      giaddr: this.giaddr,
      chaddr: this.chaddr,
      serverName: this.serverName,
      bootFile: this.bootFile,
      magicCookie: this.magicCookie,
    };
    if (this.magicCookie) {
      o.options = this.options;
      if (this.messageType >= 0) o.messageType = this.messageType;
      if (this.requestedIp !== "") o.requestedIp = this.requestedIp;
      if (this.serverId !== "") o.serverId = this.serverId;
      if (this.leaseTime >= 0) o.leaseTime = this.leaseTime;
      if (this.option(55) !== null) o.parameterList = this.parameterList;
      if (this.hostname !== "") o.hostname = this.hostname;
    }
    if (this.t) o.truncated = true;
    if (this.m !== null) o.malformed = this.m;
    return o;
  }
}

function cString(d: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end && d[i] !== 0; i++) s += String.fromCharCode(d[i]!);
  return s;
}

/** Decodes a BOOTP/DHCP message of `length` bytes at `offset`. */
export function decodeDhcp(
  data: Uint8Array,
  offset: number,
  length = data.length - offset,
): DhcpLayer {
  const end = Math.min(offset + length, data.length);
  const m = new DhcpLayer(data, offset, end);
  const avail = end - offset;
  if (avail < 236) {
    m.truncated = avail < length;
    if (!m.truncated) m.malformed = `message length ${length} is shorter than 236`;
    m.headerLength = Math.max(0, avail);
    if (avail >= 4) {
      m.op = data[offset]!;
      m.htype = data[offset + 1]!;
      m.hlen = data[offset + 2]!;
      m.hops = data[offset + 3]!;
    }
    return m;
  }
  m.op = data[offset]!;
  m.htype = data[offset + 1]!;
  m.hlen = data[offset + 2]!;
  m.hops = data[offset + 3]!;
  m.xid =
    ((data[offset + 4]! << 24) |
      (data[offset + 5]! << 16) |
      (data[offset + 6]! << 8) |
      data[offset + 7]!) >>>
    0;
  m.secs = (data[offset + 8]! << 8) | data[offset + 9]!;
  m.flags = (data[offset + 10]! << 8) | data[offset + 11]!;
  if (avail >= 240) {
    m.magicCookie =
      data[offset + 236] === 99 &&
      data[offset + 237] === 130 &&
      data[offset + 238] === 83 &&
      data[offset + 239] === 99;
    if (m.magicCookie) m.headerLength = 240;
  } else if (avail < length) {
    m.truncated = true;
  }
  return m;
}
