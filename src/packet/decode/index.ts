/**
 * evnet packet decoders: pure functions from captured bytes to typed layers.
 *
 * @example
 * import { decodePacket, findLayer, formatPacketLine } from "evnet/packet/decode";
 * const pkt = decodePacket(1, frame);       // LINKTYPE_ETHERNET
 * const tcp = findLayer(pkt, "tcp");
 * console.log(formatPacketLine(pkt));       // "IP 127.0.0.1.43210 > 127.0.0.1.80: Flags [S], ..."
 * JSON.stringify(pkt);                      // every decoded field
 */
export {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETHERTYPE_QINQ,
  ETHERTYPE_VLAN,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ipProtocolName,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
} from "./_constants.js";
export { ArpLayer, decodeArp } from "./arp.js";
export { DHCP_MESSAGE_TYPES, DhcpLayer, type DhcpOption, decodeDhcp } from "./dhcp.js";
export {
  DnsLayer,
  type DnsQuestion,
  DnsRecord,
  decodeDns,
  dnsTypeName,
  type EdnsOption,
} from "./dns.js";
export { decodeEthernet, EthernetLayer } from "./ethernet.js";
export { FAST_LINE_MAX_BYTES, writeFastLine } from "./fast_line.js";
export { decodeIcmp, IcmpLayer, isIcmpError } from "./icmp.js";
export { decodeIcmpv6, Icmpv6Layer, NdOption } from "./icmpv6.js";
export { decodeIpv4, Ipv4Layer, type Ipv4Option } from "./ipv4.js";
export { decodeIpv6, Ipv6Extension, Ipv6Layer, type Ipv6Option } from "./ipv6.js";
export type { ChecksumStatus, LayerCommon, PacketIssue } from "./layer.js";
export { decodeNull, NullLayer } from "./null.js";
export {
  DecodedPacket,
  type DecodeOptions,
  decodePacket,
  findLayer,
  type Layer,
  type LayerByKind,
  type LayerKind,
} from "./packet.js";
export { decodeSll, decodeSll2, SllLayer } from "./sll.js";
export { formatDns, formatPacketLine, type PacketTimestamp, tcpFlagString } from "./summary.js";
export {
  decodeTcp,
  TCP_ACK,
  TCP_CWR,
  TCP_ECE,
  TCP_FIN,
  TCP_NS,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  TCP_URG,
  TcpLayer,
  TcpOption,
  tcpFlagNames,
  tcpOptionName,
} from "./tcp.js";
export { decodeUdp, UdpLayer } from "./udp.js";
export { decodeVlan, VlanLayer } from "./vlan.js";
