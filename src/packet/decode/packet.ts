/**
 * decodePacket: one captured frame -> a DecodedPacket with its layers, from the link layer up
 * to DNS or DHCP. Each step reads only what it needs and hands the next decoder an offset, so
 * decoding allocates one object per layer and no closures; option lists and DNS sections are
 * decoded only when asked for.
 *
 * Nothing here throws on bad input: a layer the capture cuts short is kept with `truncated`
 * set, an impossible field sets `malformed`, decoding stops at that layer, and the problem is
 * listed in `issues`.
 */

import { onesComplementSum } from "../../bytes/index.js";
import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETHERTYPE_QINQ,
  ETHERTYPE_QINQ_OLD,
  ETHERTYPE_RARP,
  ETHERTYPE_VLAN,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
} from "./_constants.js";
import { type ArpLayer, decodeArp } from "./arp.js";
import { type DhcpLayer, decodeDhcp } from "./dhcp.js";
import { type DnsLayer, decodeDns } from "./dns.js";
import { decodeEthernet, type EthernetLayer } from "./ethernet.js";
import { decodeIcmp, type IcmpLayer } from "./icmp.js";
import { decodeIcmpv6, type Icmpv6Layer } from "./icmpv6.js";
import { decodeIpv4, type Ipv4Layer } from "./ipv4.js";
import { decodeIpv6, type Ipv6Layer } from "./ipv6.js";
import type { PacketIssue } from "./layer.js";
import { decodeNull, type NullLayer } from "./null.js";
import { decodeSll, decodeSll2, type SllLayer } from "./sll.js";
import { decodeTcp, type TcpLayer } from "./tcp.js";
import { decodeUdp, type UdpLayer } from "./udp.js";
import { decodeVlan, type VlanLayer } from "./vlan.js";

/** Every layer class decodePacket can produce. Switch on `kind` to narrow. */
export type Layer =
  | EthernetLayer
  | VlanLayer
  | SllLayer
  | NullLayer
  | ArpLayer
  | Ipv4Layer
  | Ipv6Layer
  | IcmpLayer
  | Icmpv6Layer
  | UdpLayer
  | TcpLayer
  | DnsLayer
  | DhcpLayer;

/** The layer class for each `kind`. */
export interface LayerByKind {
  ethernet: EthernetLayer;
  vlan: VlanLayer;
  sll: SllLayer;
  sll2: SllLayer;
  null: NullLayer;
  arp: ArpLayer;
  ipv4: Ipv4Layer;
  ipv6: Ipv6Layer;
  icmp: IcmpLayer;
  icmpv6: Icmpv6Layer;
  udp: UdpLayer;
  tcp: TcpLayer;
  dns: DnsLayer;
  dhcp: DhcpLayer;
}

export type LayerKind = keyof LayerByKind;

export interface DecodeOptions {
  /**
   * Verify IPv4 header, TCP, UDP, ICMP and ICMPv6 checksums (default true). Turning it off
   * leaves every status "unverified" and saves summing each payload.
   */
  checksums?: boolean;
}

/** The UDP/TCP ports whose payload is decoded as DNS (DNS and multicast DNS). */
function isDnsPort(p: number): boolean {
  return p === 53 || p === 5353;
}

export class DecodedPacket {
  readonly linkType: number;
  readonly data: Uint8Array;
  /** Bytes captured (data.length). */
  readonly capturedLength: number;
  /** Length of the packet on the wire; larger than capturedLength when the snap length cut it. */
  readonly originalLength: number;
  readonly layers: Layer[];
  /** The link-layer header (Ethernet, SLL, loopback), or null for raw IP. */
  link: EthernetLayer | SllLayer | NullLayer | null;
  network: Ipv4Layer | Ipv6Layer | ArpLayer | null;
  transport: TcpLayer | UdpLayer | IcmpLayer | Icmpv6Layer | null;
  application: DnsLayer | DhcpLayer | null;
  /** Bytes after the last decoded header: [payloadOffset, payloadEnd) of `data`. */
  payloadOffset: number;
  payloadEnd: number;
  /** Problems met while decoding the headers (lazy parts are added by `issues`). */
  private readonly headerIssues: PacketIssue[];

  constructor(linkType: number, data: Uint8Array, originalLength: number) {
    this.linkType = linkType;
    this.data = data;
    this.capturedLength = data.length;
    this.originalLength = originalLength;
    this.layers = [];
    this.link = null;
    this.network = null;
    this.transport = null;
    this.application = null;
    this.payloadOffset = data.length;
    this.payloadEnd = data.length;
    this.headerIssues = [];
  }

  /**
   * Every problem found, including those in option lists and DNS sections, which this
   * decodes if it has not yet.
   */
  get issues(): PacketIssue[] {
    const out = this.headerIssues.slice();
    for (const l of this.layers) {
      const lazyIssue = completeLazy(l);
      if (lazyIssue !== null) out.push(lazyIssue);
    }
    return out;
  }

  /** True when any layer was cut short by the end of the capture. */
  get truncated(): boolean {
    for (const l of this.layers) if (l.truncated) return true;
    return false;
  }

  /** The first layer of `kind`, or null. */
  find<K extends LayerKind>(kind: K): LayerByKind[K] | null {
    return findLayer(this, kind);
  }

  /** Records a layer's truncation or malformation in `issues`. */
  noteIssues(l: Layer): void {
    if (l.truncated) {
      this.headerIssues.push({
        layer: l.kind,
        type: "truncated",
        message: `${l.kind} header truncated`,
      });
    }
    if (l.malformed !== null) {
      this.headerIssues.push({ layer: l.kind, type: "malformed", message: l.malformed });
    }
  }

  /** Records that decoding stopped at something this decoder does not know. */
  noteUnsupported(layer: string, message: string): void {
    this.headerIssues.push({ layer, type: "unsupported", message });
  }

  /** A plain object with every decoded field, safe for JSON.stringify (no bigint). */
  toJSON(): Record<string, unknown> {
    return {
      linkType: this.linkType,
      capturedLength: this.capturedLength,
      originalLength: this.originalLength,
      layers: this.layers.map((l) => l.toJSON()),
      payloadLength: this.payloadEnd - this.payloadOffset,
      issues: this.issues,
    };
  }
}

/** Forces the lazy parts of a layer and returns an issue they raised, or null. */
function completeLazy(l: Layer): PacketIssue | null {
  switch (l.kind) {
    case "tcp":
      if (!l.truncated && l.headerLength > 20 && l.optionsMalformed !== null) {
        return { layer: "tcp", type: "malformed", message: `options: ${l.optionsMalformed}` };
      }
      return null;
    case "ipv4":
      if (!l.truncated && l.headerLength > 20 && l.optionsMalformed !== null) {
        return { layer: "ipv4", type: "malformed", message: `options: ${l.optionsMalformed}` };
      }
      return null;
    case "dns":
    case "dhcp":
      if (l.truncated) {
        return { layer: l.kind, type: "truncated", message: `${l.kind} message truncated` };
      }
      if (l.malformed !== null) return { layer: l.kind, type: "malformed", message: l.malformed };
      return null;
    default:
      return null;
  }
}

/**
 * The first layer of `kind` in `pkt`, or null.
 *
 * @example
 * const tcp = findLayer(decodePacket(1, frame), "tcp");
 * if (tcp !== null) console.log(tcp.srcPort, tcp.dstPort);
 */
export function findLayer<K extends LayerKind>(pkt: DecodedPacket, kind: K): LayerByKind[K] | null {
  const layers = pkt.layers;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    if (l.kind === kind) return l as LayerByKind[K];
  }
  return null;
}

/** A layer's end, where the next one starts. */
function after(l: Layer): number {
  return l.offset + l.headerLength;
}

/**
 * Decodes one captured frame of the given LINKTYPE_* (Ethernet 1, NULL 0, RAW 101, LOOP 108,
 * LINUX_SLL 113, IPV4 228, IPV6 229, LINUX_SLL2 276). Never throws.
 *
 * @example
 * const pkt = decodePacket(1, frame);
 * pkt.network?.kind; // "ipv4"
 * pkt.transport?.kind === "tcp" && pkt.transport.syn;
 * pkt.issues; // [] for a well-formed packet
 */
export function decodePacket(
  linkType: number,
  data: Uint8Array,
  originalLength: number = data.length,
  options?: DecodeOptions,
): DecodedPacket {
  const pkt = new DecodedPacket(linkType, data, originalLength);
  const checksums = options?.checksums !== false;
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      const eth = decodeEthernet(data, 0);
      addLayer(pkt, eth);
      pkt.link = eth;
      if (eth.truncated || eth.etherType < 0) {
        pkt.payloadOffset = after(eth);
        return pkt;
      }
      decodeEtherType(pkt, eth.etherType, after(eth), checksums);
      return pkt;
    }
    case LINKTYPE_LINUX_SLL:
    case LINKTYPE_LINUX_SLL2: {
      const sll = linkType === LINKTYPE_LINUX_SLL ? decodeSll(data, 0) : decodeSll2(data, 0);
      addLayer(pkt, sll);
      pkt.link = sll;
      if (sll.truncated) return pkt;
      decodeEtherType(pkt, sll.protocol, after(sll), checksums);
      return pkt;
    }
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      const n = decodeNull(data, 0, linkType === LINKTYPE_LOOP);
      addLayer(pkt, n);
      pkt.link = n;
      if (n.truncated) return pkt;
      const v = n.ipVersion;
      if (v === 4) decodeIpv4Chain(pkt, 4, checksums);
      else if (v === 6) decodeIpv6Chain(pkt, 4, checksums);
      else pkt.payloadOffset = 4;
      return pkt;
    }
    case LINKTYPE_RAW:
      if (data.length > 0 && data[0]! >> 4 === 6) decodeIpv6Chain(pkt, 0, checksums);
      else decodeIpv4Chain(pkt, 0, checksums);
      return pkt;
    case LINKTYPE_IPV4:
      decodeIpv4Chain(pkt, 0, checksums);
      return pkt;
    case LINKTYPE_IPV6:
      decodeIpv6Chain(pkt, 0, checksums);
      return pkt;
    default:
      pkt.payloadOffset = 0;
      pkt.noteUnsupported("link", `link type ${linkType} is not decoded`);
      return pkt;
  }
}

function addLayer(pkt: DecodedPacket, l: Layer): void {
  pkt.layers.push(l);
  // DNS and DHCP report their problems when their lazy parts are decoded (see `issues`).
  if (l.kind === "dns" || l.kind === "dhcp") return;
  if (l.truncated || l.malformed !== null) pkt.noteIssues(l);
}

/** Follows an EtherType (through any VLAN tags) to ARP, IPv4 or IPv6. */
function decodeEtherType(
  pkt: DecodedPacket,
  etherType: number,
  off: number,
  checksums: boolean,
): void {
  const data = pkt.data;
  while (
    etherType === ETHERTYPE_VLAN ||
    etherType === ETHERTYPE_QINQ ||
    etherType === ETHERTYPE_QINQ_OLD
  ) {
    const v = decodeVlan(data, off, etherType);
    addLayer(pkt, v);
    off = after(v);
    if (v.truncated) {
      pkt.payloadOffset = off;
      return;
    }
    etherType = v.etherType;
  }
  switch (etherType) {
    case ETHERTYPE_IPV4:
      decodeIpv4Chain(pkt, off, checksums);
      return;
    case ETHERTYPE_IPV6:
      decodeIpv6Chain(pkt, off, checksums);
      return;
    case ETHERTYPE_ARP:
    case ETHERTYPE_RARP: {
      const a = decodeArp(data, off);
      addLayer(pkt, a);
      pkt.network = a;
      pkt.payloadOffset = after(a);
      return;
    }
    default:
      pkt.payloadOffset = off;
  }
}

function decodeIpv4Chain(
  pkt: DecodedPacket,
  off: number,
  checksums: boolean,
  nested = false,
): void {
  const data = pkt.data;
  const ip = decodeIpv4(data, off);
  if (!checksums && ip.checksumStatus !== "unverified") ip.checksumStatus = "unverified";
  addLayer(pkt, ip);
  pkt.network = ip;
  pkt.payloadOffset = ip.payloadOffset;
  pkt.payloadEnd = ip.payloadEnd;
  if (ip.truncated || ip.version !== 4 || ip.headerLength < 20) return;
  // A later fragment holds no transport header; a first fragment holds one whose checksum
  // covers bytes in other fragments.
  if (ip.fragmentOffset > 0) return;
  const pseudo =
    checksums && !ip.moreFragments ? onesComplementSum(data, off + 12, off + 20) + ip.protocol : -1;
  decodeTransport(
    pkt,
    ip.protocol,
    ip.payloadOffset,
    ip.payloadLength,
    pseudo,
    false,
    checksums,
    nested,
  );
}

function decodeIpv6Chain(
  pkt: DecodedPacket,
  off: number,
  checksums: boolean,
  nested = false,
): void {
  const data = pkt.data;
  const ip = decodeIpv6(data, off);
  addLayer(pkt, ip);
  pkt.network = ip;
  pkt.payloadOffset = ip.payloadOffset;
  pkt.payloadEnd = ip.payloadEnd;
  if (ip.truncated || ip.version !== 6 || ip.upperProtocol < 0) return;
  if (ip.fragmentOffset > 0) return;
  const pseudo =
    checksums && !ip.moreFragments
      ? onesComplementSum(data, off + 8, off + 24) +
        onesComplementSum(data, ip.checksumDstOffset, ip.checksumDstOffset + 16) +
        ip.upperProtocol
      : -1;
  decodeTransport(
    pkt,
    ip.upperProtocol,
    ip.payloadOffset,
    ip.upperLength,
    pseudo,
    true,
    checksums,
    nested,
  );
}

function decodeTransport(
  pkt: DecodedPacket,
  protocol: number,
  off: number,
  length: number,
  pseudo: number,
  ipv6: boolean,
  checksums: boolean,
  nested: boolean,
): void {
  const data = pkt.data;
  switch (protocol) {
    case IPPROTO_TCP: {
      const t = decodeTcp(data, off, length, pseudo);
      addLayer(pkt, t);
      pkt.transport = t;
      pkt.payloadOffset = t.payloadOffset;
      pkt.payloadEnd = t.payloadEnd;
      if (t.truncated || t.malformed !== null) return;
      if (t.payloadLength >= 14 && (isDnsPort(t.srcPort) || isDnsPort(t.dstPort))) {
        const d = decodeDns(data, t.payloadOffset, t.payloadLength, true);
        addLayer(pkt, d);
        pkt.application = d;
      }
      return;
    }
    case IPPROTO_UDP: {
      // In a first fragment the UDP length counts bytes that travel in later fragments.
      const firstFragment = isFirstFragment(pkt);
      const u = decodeUdp(data, off, firstFragment ? 0xffff : length, pseudo, ipv6);
      addLayer(pkt, u);
      pkt.transport = u;
      pkt.payloadOffset = u.payloadOffset;
      pkt.payloadEnd = u.payloadEnd;
      if (u.truncated) return;
      const sp = u.srcPort;
      const dp = u.dstPort;
      if (isDnsPort(sp) || isDnsPort(dp)) {
        const d = decodeDns(data, u.payloadOffset, u.payloadLength);
        addLayer(pkt, d);
        pkt.application = d;
      } else if (sp === 67 || sp === 68 || dp === 67 || dp === 68) {
        const d = decodeDhcp(data, u.payloadOffset, u.payloadLength);
        addLayer(pkt, d);
        pkt.application = d;
      }
      return;
    }
    case IPPROTO_ICMP: {
      const m = decodeIcmp(data, off, length);
      if (!checksums) m.checksumStatus = "unverified";
      addLayer(pkt, m);
      pkt.transport = m;
      pkt.payloadOffset = after(m);
      if (!m.truncated && m.isError && !nested) {
        m.embedded = decodeEmbedded(
          data,
          off + 8,
          Math.min(off + length, data.length),
          false,
          checksums,
        );
      }
      return;
    }
    case IPPROTO_ICMPV6: {
      const m = decodeIcmpv6(data, off, length, pseudo);
      addLayer(pkt, m);
      pkt.transport = m;
      pkt.payloadOffset = after(m);
      if (!m.truncated && m.isError && !nested) {
        m.embedded = decodeEmbedded(
          data,
          off + 8,
          Math.min(off + length, data.length),
          true,
          checksums,
        );
      }
      return;
    }
    default:
      pkt.payloadOffset = off;
  }
}

function isFirstFragment(pkt: DecodedPacket): boolean {
  const ip = pkt.network;
  return ip !== null && ip.kind !== "arp" && ip.moreFragments;
}

/**
 * Decodes the datagram an ICMP error quotes. The quote is usually cut short (an IP header and
 * 8 bytes), so its layers are often truncated; their problems stay in those layers rather
 * than the outer packet's issues, and the quote's own ICMP errors are not followed.
 */
function decodeEmbedded(
  data: Uint8Array,
  off: number,
  end: number,
  ipv6: boolean,
  checksums: boolean,
): Layer[] {
  // A view of the same buffer ending at the quote keeps every offset frame-relative.
  const view = data.subarray(0, end);
  const inner = new DecodedPacket(ipv6 ? LINKTYPE_IPV6 : LINKTYPE_IPV4, view, view.length);
  if (ipv6) decodeIpv6Chain(inner, off, checksums, true);
  else decodeIpv4Chain(inner, off, checksums, true);
  return inner.layers;
}
