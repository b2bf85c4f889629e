/**
 * tcpdump-style one-line summaries, matching `tcpdump -n -S` (with `-tt` when a record with a
 * timestamp is given) for the protocols decoded here.
 *
 * Sequence numbers are printed as on the wire, like `tcpdump -S`. tcpdump's default relative
 * numbering needs per-connection state (the first sequence number seen in each direction),
 * which belongs to the flow tracker, not to a pure per-packet formatter.
 *
 * Known differences from tcpdump: payloads of other application protocols (HTTP, NTP, SNMP...)
 * are not summarised (tcpdump prints e.g. "HTTP: GET / HTTP/1.1"); DNS questions and records
 * of unusual classes and multicast-DNS flags are printed in the plain form; -v details are not
 * available.
 */

import { toHex } from "../../bytes/index.js";
import type { ArpLayer } from "./arp.js";
import type { DhcpLayer } from "./dhcp.js";
import { type DnsLayer, type DnsRecord, dnsTypeName } from "./dns.js";
import type { IcmpLayer } from "./icmp.js";
import type { Icmpv6Layer } from "./icmpv6.js";
import type { Ipv4Layer } from "./ipv4.js";
import type { Ipv6Layer } from "./ipv6.js";
import type { DecodedPacket } from "./packet.js";
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, TCP_URG, type TcpLayer } from "./tcp.js";
import type { UdpLayer } from "./udp.js";

/** The timestamp part of a capture record (what readCaptureFile yields). */
export interface PacketTimestamp {
  seconds: number;
  /** Nanoseconds within the second. */
  nanos: number;
}

/**
 * One line like tcpdump's default output (`-n -S`, plus `-tt` when `record` is given).
 *
 * @example
 * formatPacketLine(decodePacket(1, frame), { seconds: 1700000000, nanos: 123456000 });
 * // "1700000000.123456 IP 127.0.0.1.43210 > 127.0.0.1.80: Flags [S], seq 123, win 65495, ..."
 */
export function formatPacketLine(pkt: DecodedPacket, record?: PacketTimestamp): string {
  let s = "";
  if (record !== undefined) {
    s = `${record.seconds}.${String(Math.floor(record.nanos / 1000)).padStart(6, "0")} `;
  }
  return s + formatBody(pkt);
}

function formatBody(pkt: DecodedPacket): string {
  const net = pkt.network;
  const link = pkt.link;
  // VLAN tags and link addresses appear in tcpdump's output only with -e.
  if (link !== null && (link.kind === "sll" || link.kind === "sll2") && link.truncated) {
    return "[|linux_sll]";
  }
  if (net === null) {
    if (link !== null && link.kind === "ethernet") {
      if (link.truncated) return "[|ether]";
      if (link.isLlc)
        return `LLC, dsap 0x${hex2(link.dsap)}, ssap 0x${hex2(link.ssap)}, length ${link.length}`;
      return `ethertype 0x${link.etherType.toString(16).padStart(4, "0")}, length ${pkt.originalLength}`;
    }
    return `unknown link type ${pkt.linkType}, length ${pkt.originalLength}`;
  }
  switch (net.kind) {
    case "arp":
      return formatArp(net, pkt.originalLength - net.offset);
    case "ipv4":
      return formatIp(pkt, net, "IP");
    case "ipv6":
      return formatIp(pkt, net, "IP6");
  }
}

function hex2(v: number): string {
  return v.toString(16).padStart(2, "0");
}

function formatArp(a: ArpLayer, length: number): string {
  const word = a.operation === 3 || a.operation === 4 ? "RARP" : "ARP";
  if (a.truncated) return `${word}, [|arp]`;
  if (
    a.hardwareType !== 1 ||
    a.protocolType !== 0x0800 ||
    a.hardwareLength !== 6 ||
    a.protocolLength !== 4
  ) {
    return `ARP, hardware type ${a.hardwareType}, protocol type 0x${a.protocolType.toString(16).padStart(4, "0")}, length ${length}`;
  }
  switch (a.operation) {
    case 1: {
      const tha = a.targetHardwareIsZero ? "" : ` (${a.targetHardware})`;
      return `ARP, Request who-has ${a.targetProtocol}${tha} tell ${a.senderProtocol}, length ${length}`;
    }
    case 2:
      return `ARP, Reply ${a.senderProtocol} is-at ${a.senderHardware}, length ${length}`;
    case 3:
      return `RARP, Request who-is ${a.targetHardware} tell ${a.senderHardware}, length ${length}`;
    case 4:
      return `RARP, Reply ${a.targetHardware} at ${a.targetProtocol}, length ${length}`;
    default:
      return `ARP, unknown operation ${a.operation}, length ${length}`;
  }
}

function formatIp(pkt: DecodedPacket, ip: Ipv4Layer | Ipv6Layer, word: string): string {
  if (ip.truncated && ip.kind === "ipv4") return `${word} [|ip]`;
  if (ip.kind === "ipv6" && ip.headerLength < 40) return `${word} [|ip6]`;
  const t = pkt.transport;
  const src = ip.src;
  const dst = ip.dst;
  if (ip.kind === "ipv4" && ip.fragmentOffset > 0) {
    return `${word} ${src} > ${dst}: ip-proto-${ip.protocol}`;
  }
  // With IPv6 extension headers tcpdump names each header after the addresses and prints
  // the ports with the transport ("IP6 a > b: frag (0|16) 5000 > 6000: UDP, length 24").
  const ext = ip.kind === "ipv6" ? formatIpv6Extensions(pkt.data, ip) : "";
  if (ip.kind === "ipv6" && ip.fragmentOffset > 0)
    return `${word} ${src} > ${dst}: ${ext.trimEnd()}`;
  if (t === null) {
    const proto = ip.kind === "ipv4" ? ip.protocol : ip.upperProtocol;
    const len = ip.kind === "ipv4" ? ip.payloadLength : ip.upperLength;
    return `${word} ${src} > ${dst}: ${ext}ip-proto-${proto} ${len}`;
  }
  let body: string;
  switch (t.kind) {
    case "tcp":
      body = formatTcp(pkt, t);
      break;
    case "udp":
      body = formatUdp(pkt, t);
      break;
    case "icmp":
      return `${word} ${src} > ${dst}: ${ext}${formatIcmp(t)}`;
    case "icmpv6":
      return `${word} ${src} > ${dst}: ${ext}${formatIcmpv6(t)}`;
  }
  if (ext !== "") return `${word} ${src} > ${dst}: ${ext}${t.srcPort} > ${t.dstPort}: ${body}`;
  return `${word} ${src}.${t.srcPort} > ${dst}.${t.dstPort}: ${body}`;
}

function formatIpv6Extensions(data: Uint8Array, ip: Ipv6Layer): string {
  let s = "";
  for (const e of ip.extensions) {
    switch (e.type) {
      case 0:
        s += "HBH ";
        break;
      case 60:
        s += "DSTOPT ";
        break;
      case 44:
        s += `frag (${e.fragmentOffset}|${ip.upperLength}) `;
        break;
      case 43: {
        const dep = e.routingType === 0 ? " [Deprecated]" : "";
        const addrs = e.addresses.map((a, i) => `, [${i}]${a}`).join("");
        s += `RT6 (len=${e.length / 8 - 1}, type=${e.routingType}${dep}, segleft=${e.segmentsLeft}${addrs}) `;
        break;
      }
      case 51: {
        const icv = toHex(data, "", e.offset + 12, e.offset + e.length);
        s += `AH(spi=0x${e.spi.toString(16).padStart(8, "0")},seq=0x${e.sequence.toString(16)},icv=0x${icv}): `;
        break;
      }
    }
  }
  return s;
}

const TCP_FLAG_CHARS: [number, string][] = [
  [0x01, "F"],
  [0x02, "S"],
  [0x04, "R"],
  [0x08, "P"],
  [0x10, "."],
  [0x20, "U"],
  [0x40, "E"],
  [0x80, "W"],
];

/** tcpdump's flag string: "S", "S.", "P.", "F.", "R", or "none". */
export function tcpFlagString(flags: number): string {
  let s = "";
  for (const [bit, c] of TCP_FLAG_CHARS) if (flags & bit) s += c;
  return s === "" ? "none" : s;
}

function formatTcp(pkt: DecodedPacket, t: TcpLayer): string {
  if (t.truncated && t.headerLength < 14) return "[|tcp]";
  let s = `Flags [${tcpFlagString(t.flags)}]`;
  if (t.truncated) return `${s} [|tcp]`;
  if (t.malformed !== null && t.dataOffset < 5) {
    return `${s} [bad hdr length ${t.dataOffset * 4} - too short, < 20]`;
  }
  const len = t.payloadLength;
  if (len > 0 || t.flags & (TCP_SYN | TCP_FIN | TCP_RST)) {
    s += `, seq ${t.seq}`;
    if (len > 0) s += `:${(t.seq + len) >>> 0}`;
  }
  if (t.flags & TCP_ACK) s += `, ack ${t.ack}`;
  s += `, win ${t.window}`;
  if (t.flags & TCP_URG) s += `, urg ${t.urgentPointer}`;
  if (t.headerLength > 20) {
    const opts = formatTcpOptions(t);
    // tcpdump abandons the line at an option whose length is impossible, closing the list
    // only when an option came before it.
    if (opts === "[bad opt]") return `${s}, options [${opts}`;
    if (opts.endsWith("[bad opt]")) return `${s}, options [${opts}]`;
    s += `, options [${opts}]`;
  }
  s += `, length ${len}`;
  const app = pkt.application;
  if (app !== null && app.kind === "dns") s += ` ${formatDns(app)}`;
  else if (len > 0 && (isHttpPort(t.srcPort) || isHttpPort(t.dstPort))) s += formatHttp(t);
  return s;
}

function isHttpPort(p: number): boolean {
  return p === 80 || p === 8080;
}

const HTTP_FIRST_LINE = /^(?:GET|PUT|POST|HEAD|DELETE|OPTIONS|TRACE|CONNECT|PATCH|HTTP\/\d\.\d) /;

/** tcpdump's ": HTTP" marker, with the request or status line when there is one. */
function formatHttp(t: TcpLayer): string {
  const p = t.payload;
  let line = "";
  for (let i = 0; i < p.length && i < 300; i++) {
    const c = p[i]!;
    if (c === 13 || c === 10) {
      // Char by char: spreading a typed array into fromCharCode goes through its iterator and
      // cost 17% of `evnet read` on an HTTP capture (bench/packet/run.mjs profile).
      for (let j = 0; j < i; j++) line += String.fromCharCode(p[j]!);
      break;
    }
  }
  return HTTP_FIRST_LINE.test(line) ? `: HTTP: ${line}` : ": HTTP";
}

function formatTcpOptions(t: TcpLayer): string {
  const parts: string[] = [];
  for (const o of t.options) {
    let p = o.name;
    let used = o.kind <= 1 ? 1 : 2;
    switch (o.kind) {
      case 2:
        if (o.length >= 4) {
          p += ` ${o.mss >= 0 ? o.mss : Number.parseInt(o.data.slice(0, 4), 16)}`;
          used += 2;
        }
        break;
      case 3:
        if (o.length >= 3) {
          p += ` ${o.windowScale >= 0 ? o.windowScale : Number.parseInt(o.data.slice(0, 2), 16)}`;
          used += 1;
        }
        break;
      case 4:
        break;
      case 5:
        if (o.sackBlocks.length === 0) p += " invalid sack";
        else {
          p += ` ${o.sackBlocks.length} `;
          for (const [a, b] of o.sackBlocks) p += `{${a}:${b}}`;
        }
        used = o.length;
        break;
      case 8:
        if (o.length >= 10) {
          p += ` val ${o.tsVal} ecr ${o.tsEcr}`;
          used += 8;
        }
        break;
      default:
        if (o.kind > 1) {
          if (o.data !== "") p += ` 0x${o.data}`;
          used = o.length;
        }
    }
    if (o.kind > 1 && used !== o.length) p += `[len ${o.length}]`;
    parts.push(p);
  }
  let s = parts.join(",");
  if (t.optionsMalformed !== null && !t.options.some((o) => o.malformed !== null)) {
    s += s === "" ? "[bad opt]" : ",[bad opt]";
  }
  return s;
}

function formatUdp(pkt: DecodedPacket, u: UdpLayer): string {
  if (u.truncated) return "[|udp]";
  const app = pkt.application;
  if (app !== null && app.kind === "dns") return formatDns(app);
  if (app !== null && app.kind === "dhcp") return formatDhcp(app, u);
  if (u.length < 8) return `UDP, bad length ${u.length} < 8`;
  return `UDP, length ${u.payloadLength}`;
}

function formatDhcp(d: DhcpLayer, u: UdpLayer): string {
  if (d.truncated && d.headerLength < 236) return "BOOTP/DHCP, [|bootp]";
  const what = d.op === 1 ? `Request from ${d.chaddr}` : d.op === 2 ? `Reply` : `op ${d.op}`;
  return `BOOTP/DHCP, ${what}, length ${u.payloadLength}`;
}

const DNS_OPS = [
  "",
  " inv_q",
  " stat",
  " op3",
  " notify",
  " update",
  " op6",
  " op7",
  " op8",
  " updateA",
  " updateD",
  " updateDA",
  " updateM",
  " updateMA",
  " zoneInit",
  " zoneRef",
];
const DNS_RCODES = [
  "",
  " FormErr",
  " ServFail",
  " NXDomain",
  " NotImp",
  " Refused",
  " YXDomain",
  " YXRRSet",
  " NXRRSet",
  " NotAuth",
  " NotZone",
  " Resp11",
  " Resp12",
  " Resp13",
  " Resp14",
  " NoChange",
];

function fqdn(name: string): string {
  return name === "" ? "." : `${name}.`;
}

function dnsClassSuffix(cls: number): string {
  switch (cls) {
    case 1:
      return "";
    case 3:
      return " CHAOS";
    case 4:
      return " HS";
    case 255:
      return " ANY";
    default:
      return ` (Class ${cls})`;
  }
}

function formatRecord(r: DnsRecord): string {
  let s = "";
  if (r.class !== 1 && r.type !== 41) s += dnsClassSuffix(r.class);
  s += ` ${dnsTypeName(r.type)}`;
  switch (r.type) {
    case 1:
    case 28:
      return `${s} ${r.address}`;
    case 2:
    case 5:
    case 12:
      return `${s} ${fqdn(r.target)}`;
    case 15:
      return `${s} ${fqdn(r.target)} ${r.preference}`;
    case 16:
      return s + r.texts.map((t) => ` "${t}"`).join("");
    case 33:
      return `${s} ${fqdn(r.target)}:${r.port} ${r.preference} ${r.weight}`;
    case 41:
      return `${s} UDPsize=${r.class}${r.dnssecOk ? " DO" : ""}`;
    default:
      return s;
  }
}

/** tcpdump's DNS summary: "1234+ A? example.com. (29)" or "1234* 1/0/0 A 1.2.3.4 (45)". */
export function formatDns(d: DnsLayer): string {
  if (d.headerLength < (d.overTcp ? 14 : 12)) return "[|domain]";
  let s = `${d.id}${DNS_OPS[d.opcode]}`;
  const length = d.messageLength;
  if (d.qr) {
    s += `${DNS_RCODES[d.rcode]}${d.aa ? "*" : ""}${d.ra ? "" : "-"}${d.tc ? "|" : ""}${d.ad ? "$" : ""}`;
    if (d.qdCount !== 1) s += ` [${d.qdCount}q]`;
    s += ` ${d.anCount}/${d.nsCount}/${d.arCount}`;
    const answers = d.answers;
    if (d.anCount > 0) {
      s += answers.map(formatRecord).join(",");
      if (answers.length < d.anCount) return `${s} [|domain]`;
    }
  } else {
    s += `${d.rd ? "+" : ""}${d.cd ? "%" : ""}`;
    const b2 = d.flags & 0x6cf;
    if (b2 !== 0) s += ` [b2&3=0x${b2.toString(16)}]`;
    if (d.qdCount !== 1) s += ` [${d.qdCount}q]`;
    if (d.anCount !== 0) s += ` [${d.anCount}a]`;
    if (d.nsCount !== 0) s += ` [${d.nsCount}n]`;
    if (d.arCount !== 0) s += ` [${d.arCount}au]`;
    const qs = d.questions;
    for (const q of qs) s += `${dnsClassSuffix(q.class)} ${dnsTypeName(q.type)}? ${fqdn(q.name)}`;
    if (qs.length < d.qdCount) return `${s} [|domain]`;
  }
  return `${s} (${length})`;
}

const UNREACH_CODES = [
  "net",
  "host",
  "protocol",
  "port",
  "need-frag",
  "srcroute",
  "net-unknown",
  "host-unknown",
  "isolated",
  "net-prohib",
  "host-prohib",
  "tos-net",
  "tos-host",
  "filter-prohib",
  "host-precedence",
  "precedence-cutoff",
];

function formatIcmp(m: IcmpLayer): string {
  const len = m.messageLength;
  if (m.truncated && m.headerLength < 4) return "ICMP [|icmp]";
  switch (m.type) {
    case 0:
    case 8:
      return `ICMP echo ${m.type === 8 ? "request" : "reply"}, id ${m.id}, seq ${m.seq}, length ${len}`;
    case 3:
      return `ICMP ${formatUnreachable(m)}, length ${len}`;
    case 11:
      return `ICMP time exceeded in-${m.code === 0 ? "transit" : "reassembly"}, length ${len}`;
    case 13:
    case 14:
      return `ICMP time stamp ${m.type === 13 ? "query" : "reply"} id ${m.id} seq ${m.seq}, length ${len}`;
    case 5:
      return `ICMP redirect ${embeddedDst(m)} to ${m.gateway}, length ${len}`;
    default:
      return `ICMP type-#${m.type}, length ${len}`;
  }
}

function embeddedDst(m: IcmpLayer | Icmpv6Layer): string {
  const ip = m.embedded[0];
  return ip !== undefined && (ip.kind === "ipv4" || ip.kind === "ipv6") ? ip.dst : "?";
}

function formatUnreachable(m: IcmpLayer): string {
  const ip = m.embedded[0];
  const inner = m.embedded[1];
  const dst = embeddedDst(m);
  switch (m.code) {
    case 0:
      return `net ${dst} unreachable`;
    case 1:
      return `host ${dst} unreachable`;
    case 2:
      return `${dst} protocol ${ip !== undefined && ip.kind === "ipv4" ? ip.protocol : "?"} unreachable`;
    case 3:
      if (inner !== undefined && (inner.kind === "udp" || inner.kind === "tcp")) {
        return `${dst} ${inner.kind} port ${inner.dstPort} unreachable`;
      }
      return `${dst} port unreachable`;
    case 4:
      return `${dst} unreachable - need to frag (mtu ${m.mtu})`;
    default:
      return `${dst} unreachable - ${UNREACH_CODES[m.code] ?? `#${m.code}`}`;
  }
}

const ICMP6_UNREACH = [
  "unreachable route",
  "unreachable prohibited",
  "beyond scope",
  "unreachable address",
  "unreachable port",
  "failed policy",
  "reject route",
];

function formatIcmpv6(m: Icmpv6Layer): string {
  const len = m.messageLength;
  if (m.truncated && m.headerLength < 4) return "ICMP6 [|icmp6]";
  switch (m.type) {
    case 1: {
      const inner = m.embedded[1];
      const what = ICMP6_UNREACH[m.code] ?? `unreachable code #${m.code}`;
      let s = `ICMP6, destination unreachable, ${what}`;
      if (m.code === 4 && inner !== undefined && (inner.kind === "udp" || inner.kind === "tcp")) {
        s += `, ${embeddedDst(m)} ${inner.kind} port ${inner.dstPort}`;
      } else if (m.embedded.length > 0) s += ` ${embeddedDst(m)}`;
      return `${s}, length ${len}`;
    }
    case 2:
      return `ICMP6, packet too big, mtu ${m.mtu}, length ${len}`;
    case 3:
      return `ICMP6, time exceeded in-${m.code === 0 ? "transit" : "reassembly"}${m.code === 0 ? ` for ${embeddedDst(m)}` : ""}, length ${len}`;
    case 4:
      return `ICMP6, parameter problem, length ${len}`;
    case 128:
    case 129:
      return `ICMP6, echo ${m.type === 128 ? "request" : "reply"}, id ${m.id}, seq ${m.seq}, length ${len}`;
    case 133:
      return `ICMP6, router solicitation, length ${len}`;
    case 134:
      return `ICMP6, router advertisement, length ${len}`;
    case 135:
      return `ICMP6, neighbor solicitation, who has ${m.targetAddress}, length ${len}`;
    case 136:
      return `ICMP6, neighbor advertisement, tgt is ${m.targetAddress}, length ${len}`;
    case 137:
      return `ICMP6, redirect, ${m.destinationAddress} to ${m.targetAddress}, length ${len}`;
    default:
      return `ICMP6, type-#${m.type}, length ${len}`;
  }
}
