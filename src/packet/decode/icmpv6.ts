/**
 * ICMPv6 (RFC 4443) and neighbour discovery (RFC 4861).
 *
 *   byte 0 type | byte 1 code | bytes 2..3 checksum over the IPv6 pseudo-header and message
 *   bytes 4..7 depend on the type:
 *     1 destination unreachable, 3 time exceeded: unused
 *     2 packet too big: MTU (4)          4 parameter problem: pointer (4)
 *     128 echo request / 129 reply: identifier (2) | sequence (2)
 *     133 router solicitation: reserved
 *     134 router advertisement: cur hop limit (1) | M O flags (1) | router lifetime (2),
 *         then reachable time (4) | retrans timer (4)
 *     135 neighbour solicitation: reserved, then target address (16)
 *     136 neighbour advertisement: R S O flags (1) | reserved (3), then target address (16)
 *     137 redirect: reserved, then target (16) | destination (16)
 *   errors (1..4) quote the offending packet from byte 8 (decoded into `embedded`);
 *   ND messages end with options: type (1) | length (1, in 8-byte units, 0 is invalid) | data
 *     1 source / 2 target link-layer address, 3 prefix information, 5 MTU, 25 RDNSS
 */
import { formatIPv6, toHex } from "../../bytes/index.js";
import { checksumStatusOf } from "./_checksum.js";
import type { ChecksumStatus, LayerCommon } from "./layer.js";
import type { Layer } from "./packet.js";

/** One neighbour discovery option; fields that do not apply are -1 or "". */
export class NdOption {
  type: number;
  /** Total option length in bytes. */
  length: number;
  /** Link-layer address (types 1 and 2). */
  linkLayerAddress: string;
  /** Prefix information (type 3). */
  prefixLength: number;
  onLink: boolean;
  autonomous: boolean;
  validLifetime: number;
  preferredLifetime: number;
  prefix: string;
  /** MTU (type 5). */
  mtu: number;
  /** Other types: the value bytes as hex. */
  data: string;

  constructor(type: number, length: number) {
    this.type = type;
    this.length = length;
    this.linkLayerAddress = "";
    this.prefixLength = -1;
    this.onLink = false;
    this.autonomous = false;
    this.validLifetime = -1;
    this.preferredLifetime = -1;
    this.prefix = "";
    this.mtu = -1;
    this.data = "";
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = { type: this.type, length: this.length };
    if (this.linkLayerAddress !== "") o.linkLayerAddress = this.linkLayerAddress;
    if (this.type === 3 && this.prefixLength >= 0) {
      o.prefixLength = this.prefixLength;
      o.onLink = this.onLink;
      o.autonomous = this.autonomous;
      o.validLifetime = this.validLifetime;
      o.preferredLifetime = this.preferredLifetime;
      o.prefix = this.prefix;
    }
    if (this.mtu >= 0) o.mtu = this.mtu;
    if (this.data !== "") o.data = this.data;
    return o;
  }
}

export class Icmpv6Layer implements LayerCommon {
  readonly kind = "icmpv6" as const;
  offset: number;
  headerLength: number;
  truncated: boolean;
  malformed: string | null;
  type: number;
  code: number;
  checksum: number;
  checksumStatus: ChecksumStatus;
  id: number;
  seq: number;
  /** Packet too big MTU, else -1. */
  mtu: number;
  /** Parameter problem pointer, else -1. */
  pointer: number;
  /** NS/NA/redirect target, "" otherwise. */
  targetAddress: string;
  /** Redirect destination, "" otherwise. */
  destinationAddress: string;
  /** NA flags: router, solicited, override. */
  router: boolean;
  solicited: boolean;
  override: boolean;
  /** RA fields, -1 otherwise. */
  curHopLimit: number;
  managed: boolean;
  otherConfig: boolean;
  routerLifetime: number;
  reachableTime: number;
  retransTimer: number;
  /** Neighbour discovery options (types 133..137). */
  options: NdOption[];
  messageLength: number;
  /** For error messages: the layers of the quoted packet; else empty. */
  embedded: Layer[];

  constructor(offset: number) {
    this.offset = offset;
    this.headerLength = 8;
    this.truncated = false;
    this.malformed = null;
    this.type = -1;
    this.code = -1;
    this.checksum = -1;
    this.checksumStatus = "unverified";
    this.id = -1;
    this.seq = -1;
    this.mtu = -1;
    this.pointer = -1;
    this.targetAddress = "";
    this.destinationAddress = "";
    this.router = false;
    this.solicited = false;
    this.override = false;
    this.curHopLimit = -1;
    this.managed = false;
    this.otherConfig = false;
    this.routerLifetime = -1;
    this.reachableTime = -1;
    this.retransTimer = -1;
    this.options = [];
    this.messageLength = 0;
    this.embedded = [];
  }

  get isError(): boolean {
    return this.type >= 1 && this.type <= 4;
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      type: this.type,
      code: this.code,
      checksum: this.checksum,
      checksumStatus: this.checksumStatus,
    };
    if (this.id >= 0) {
      o.id = this.id;
      o.seq = this.seq;
    }
    if (this.mtu >= 0) o.mtu = this.mtu;
    if (this.pointer >= 0) o.pointer = this.pointer;
    if (this.targetAddress !== "") o.targetAddress = this.targetAddress;
    if (this.destinationAddress !== "") o.destinationAddress = this.destinationAddress;
    if (this.type === 136) {
      o.router = this.router;
      o.solicited = this.solicited;
      o.override = this.override;
    }
    if (this.type === 134) {
      o.curHopLimit = this.curHopLimit;
      o.managed = this.managed;
      o.otherConfig = this.otherConfig;
      o.routerLifetime = this.routerLifetime;
      o.reachableTime = this.reachableTime;
      o.retransTimer = this.retransTimer;
    }
    if (this.options.length > 0) o.options = this.options.map((x) => x.toJSON());
    if (this.embedded.length > 0) o.embedded = this.embedded.map((l) => l.toJSON());
    if (this.truncated) o.truncated = true;
    if (this.malformed !== null) o.malformed = this.malformed;
    return o;
  }
}

function u32(d: Uint8Array, p: number): number {
  return ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;
}

/** Fixed part (after the 4-byte type/code/checksum) of each ND message type. */
function ndFixedLength(type: number): number {
  switch (type) {
    case 133:
      return 8;
    case 134:
      return 16;
    case 135:
    case 136:
      return 24;
    case 137:
      return 40;
    default:
      return -1;
  }
}

/**
 * Decodes an ICMPv6 message at `offset`.
 *
 * @param pseudoSum unfolded IPv6 pseudo-header sum *without* the length, or -1 to skip
 *   verification
 */
export function decodeIcmpv6(
  data: Uint8Array,
  offset: number,
  messageLength = data.length - offset,
  pseudoSum = -1,
): Icmpv6Layer {
  const m = new Icmpv6Layer(offset);
  m.messageLength = messageLength;
  const avail = data.length - offset;
  if (avail < 4) {
    m.truncated = true;
    m.headerLength = Math.max(0, avail);
    if (avail >= 1) m.type = data[offset]!;
    if (avail >= 2) m.code = data[offset + 1]!;
    return m;
  }
  m.type = data[offset]!;
  m.code = data[offset + 1]!;
  m.checksum = (data[offset + 2]! << 8) | data[offset + 3]!;
  m.checksumStatus = checksumStatusOf(
    data,
    offset,
    messageLength,
    pseudoSum < 0 ? -1 : pseudoSum + messageLength,
  );
  const t = m.type;
  const fixed = ndFixedLength(t);
  const need = fixed > 0 ? fixed : 8;
  if (avail < need) {
    m.truncated = true;
    m.headerLength = avail;
    return m;
  }
  m.headerLength = need;
  if (messageLength < need) m.malformed = `message length ${messageLength} is shorter than ${need}`;
  const b = offset + 4;
  if (t === 128 || t === 129) {
    m.id = (data[b]! << 8) | data[b + 1]!;
    m.seq = (data[b + 2]! << 8) | data[b + 3]!;
  } else if (t === 2) m.mtu = u32(data, b);
  else if (t === 4) m.pointer = u32(data, b);
  else if (t === 134) {
    m.curHopLimit = data[b]!;
    m.managed = (data[b + 1]! & 0x80) !== 0;
    m.otherConfig = (data[b + 1]! & 0x40) !== 0;
    m.routerLifetime = (data[b + 2]! << 8) | data[b + 3]!;
    m.reachableTime = u32(data, b + 4);
    m.retransTimer = u32(data, b + 8);
  } else if (t === 135 || t === 136 || t === 137) {
    if (t === 136) {
      m.router = (data[b]! & 0x80) !== 0;
      m.solicited = (data[b]! & 0x40) !== 0;
      m.override = (data[b]! & 0x20) !== 0;
    }
    m.targetAddress = formatIPv6(data, b + 4);
    if (t === 137) m.destinationAddress = formatIPv6(data, b + 20);
  }
  if (fixed > 0)
    decodeNdOptions(data, m, offset + fixed, Math.min(offset + messageLength, data.length));
  return m;
}

function decodeNdOptions(data: Uint8Array, m: Icmpv6Layer, start: number, end: number): void {
  let p = start;
  while (p < end) {
    if (end - p < 2) {
      m.truncated = true;
      return;
    }
    const type = data[p]!;
    const len = data[p + 1]! * 8;
    if (len === 0) {
      m.malformed ??= `option ${type} has length 0`;
      return;
    }
    if (p + len > end) {
      m.truncated = true;
      return;
    }
    const o = new NdOption(type, len);
    if (type === 1 || type === 2) {
      // The address fills the option minus its 2-byte header, padded; Ethernet uses 6 bytes.
      const alen = len === 8 ? 6 : len - 2;
      o.linkLayerAddress = toHex(data, ":", p + 2, p + 2 + alen);
    } else if (type === 3 && len === 32) {
      o.prefixLength = data[p + 2]!;
      o.onLink = (data[p + 3]! & 0x80) !== 0;
      o.autonomous = (data[p + 3]! & 0x40) !== 0;
      o.validLifetime = u32(data, p + 4);
      o.preferredLifetime = u32(data, p + 8);
      o.prefix = formatIPv6(data, p + 16);
    } else if (type === 5 && len === 8) {
      o.mtu = u32(data, p + 4);
    } else {
      o.data = toHex(data, "", p + 2, p + len);
    }
    m.options.push(o);
    p += len;
  }
}
