/**
 * Numbers the decoders dispatch on. Link types are the LINKTYPE_* values of the pcap/pcapng
 * link-layer header type registry (tcpdump.org/linktypes.html), defined once in
 * file/linktype.ts (a table with no imports) and passed on from here.
 */
export {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
} from "../file/linktype.js";

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_RARP = 0x8035;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_QINQ = 0x88a8;
/** Pre-standard QinQ tag some switches still emit. */
export const ETHERTYPE_QINQ_OLD = 0x9100;

export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_NONE = 59;
export const IPPROTO_DSTOPTS = 60;

/** Short names for IP protocol numbers, as tcpdump and tshark print them. */
export function ipProtocolName(p: number): string {
  switch (p) {
    case 0:
      return "hopopts";
    case 1:
      return "icmp";
    case 2:
      return "igmp";
    case 4:
      return "ipip";
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 41:
      return "ipv6";
    case 43:
      return "routing";
    case 44:
      return "fragment";
    case 47:
      return "gre";
    case 50:
      return "esp";
    case 51:
      return "ah";
    case 58:
      return "icmp6";
    case 59:
      return "none";
    case 60:
      return "dstopts";
    case 103:
      return "pim";
    case 112:
      return "vrrp";
    case 132:
      return "sctp";
    default:
      return `ip-proto-${p}`;
  }
}
