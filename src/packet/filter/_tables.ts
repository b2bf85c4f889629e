/**
 * Protocol knowledge of the filter compiler, kept out of the grammar and the code
 * generator: keywords, named numeric constants, protocol numbers and EtherTypes.
 * Values are from pcap-filter(7), IANA's protocol numbers and IEEE's EtherType registry.
 */

/** Words of the grammar itself: qualifiers, operators and primitives that are not protocols. */
const GRAMMAR_WORDS = [
  "host",
  "net",
  "mask",
  "port",
  "portrange",
  "gateway",
  "src",
  "dst",
  "proto",
  "protochain",
  "and",
  "or",
  "not",
  "less",
  "greater",
  "len",
  "broadcast",
  "multicast",
  "vlan",
];

/** Protocol names that can qualify an id, stand alone, or index packet data. */
export const PROTO_NAMES: ReadonlySet<string> = new Set([
  "ether",
  "fddi",
  "tr",
  "wlan",
  "link",
  "ppp",
  "slip",
  "radio",
  "ip",
  "ip6",
  "arp",
  "rarp",
  "tcp",
  "udp",
  "icmp",
  "icmp6",
  "igmp",
  "igrp",
  "pim",
  "vrrp",
  "carp",
  "sctp",
  "ah",
  "esp",
  "atalk",
  "aarp",
  "decnet",
  "lat",
  "sca",
  "moprc",
  "mopdl",
  "iso",
  "esis",
  "es-is",
  "isis",
  "is-is",
  "clnp",
  "stp",
  "ipx",
  "netbeui",
  "l1",
  "l2",
  "iih",
  "lsp",
  "snp",
  "csnp",
  "psnp",
]);

/** Keywords of pcap-filter(7) this compiler recognises but does not implement. */
export const UNSUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  "mpls",
  "pppoed",
  "pppoes",
  "geneve",
  "inbound",
  "outbound",
  "ifindex",
  "byte",
  "llc",
  "vpi",
  "vci",
  "lane",
  "oamf4s",
  "oamf4e",
  "oamf4",
  "oam",
  "metac",
  "bcc",
  "sc",
  "ilmic",
  "connectmsg",
  "metaconnect",
  "ra",
  "ta",
  "addr1",
  "addr2",
  "addr3",
  "addr4",
  "type",
  "subtype",
  "dir",
  "on",
  "ifname",
  "rnr",
  "rset",
  "srnr",
  "reason",
  "action",
  "hsrp",
  "lo",
]);

/** Words the lexer returns as keywords (libpcap's scanner reserves these). */
export const KEYWORDS: ReadonlySet<string> = new Set([
  ...GRAMMAR_WORDS,
  ...PROTO_NAMES,
  ...UNSUPPORTED_KEYWORDS,
]);

/**
 * Names the scanner turns into numbers: header field offsets and field values
 * (pcap-filter(7), "Some offsets and field values may be expressed as names").
 */
export const NAMED_NUMBERS: ReadonlyMap<string, number> = new Map([
  ["icmptype", 0],
  ["icmpcode", 1],
  ["icmp6type", 0],
  ["icmp6code", 1],
  ["tcpflags", 13],
  ["icmp-echoreply", 0],
  ["icmp-unreach", 3],
  ["icmp-sourcequench", 4],
  ["icmp-redirect", 5],
  ["icmp-echo", 8],
  ["icmp-routeradvert", 9],
  ["icmp-routersolicit", 10],
  ["icmp-timxceed", 11],
  ["icmp-paramprob", 12],
  ["icmp-tstamp", 13],
  ["icmp-tstampreply", 14],
  ["icmp-ireq", 15],
  ["icmp-ireqreply", 16],
  ["icmp-maskreq", 17],
  ["icmp-maskreply", 18],
  ["icmp6-destinationunreach", 1],
  ["icmp6-packettoobig", 2],
  ["icmp6-timeexceeded", 3],
  ["icmp6-parameterproblem", 4],
  ["icmp6-echo", 128],
  ["icmp6-echoreply", 129],
  ["icmp6-multicastlistenerquery", 130],
  ["icmp6-multicastlistenerreportv1", 131],
  ["icmp6-multicastlistenerdone", 132],
  ["icmp6-routersolicit", 133],
  ["icmp6-routeradvert", 134],
  ["icmp6-neighborsolicit", 135],
  ["icmp6-neighboradvert", 136],
  ["icmp6-redirect", 137],
  ["icmp6-routerrenum", 138],
  ["icmp6-nodeinformationquery", 139],
  ["icmp6-nodeinformationresponse", 140],
  ["icmp6-ineighbordiscoverysolicit", 141],
  ["icmp6-ineighbordiscoveryadvert", 142],
  ["icmp6-multicastlistenerreportv2", 143],
  ["icmp6-homeagentdiscoveryrequest", 144],
  ["icmp6-homeagentdiscoveryreply", 145],
  ["icmp6-mobileprefixsolicit", 146],
  ["icmp6-mobileprefixadvert", 147],
  ["icmp6-certpathsolicit", 148],
  ["icmp6-certpathadvert", 149],
  ["icmp6-multicastrouteradvert", 151],
  ["icmp6-multicastroutersolicit", 152],
  ["icmp6-multicastrouterterm", 153],
  ["tcp-fin", 0x01],
  ["tcp-syn", 0x02],
  ["tcp-rst", 0x04],
  ["tcp-push", 0x08],
  ["tcp-ack", 0x10],
  ["tcp-urg", 0x20],
  ["tcp-ece", 0x40],
  ["tcp-cwr", 0x80],
]);

/** IP protocol numbers by the names getprotobyname(3) knows on Linux (/etc/protocols). */
export const IP_PROTOCOLS: ReadonlyMap<string, number> = new Map([
  ["ip", 0],
  ["hopopt", 0],
  ["icmp", 1],
  ["igmp", 2],
  ["ggp", 3],
  ["ipencap", 4],
  ["st", 5],
  ["tcp", 6],
  ["egp", 8],
  ["igp", 9],
  ["pup", 12],
  ["udp", 17],
  ["hmp", 20],
  ["xns-idp", 22],
  ["rdp", 27],
  ["iso-tp4", 29],
  ["dccp", 33],
  ["xtp", 36],
  ["ddp", 37],
  ["idpr-cmtp", 38],
  ["ipv6", 41],
  ["ipv6-route", 43],
  ["ipv6-frag", 44],
  ["idrp", 45],
  ["rsvp", 46],
  ["gre", 47],
  ["esp", 50],
  ["ah", 51],
  ["skip", 57],
  ["ipv6-icmp", 58],
  ["icmp6", 58],
  ["ipv6-nonxt", 59],
  ["ipv6-opts", 60],
  ["rspf", 73],
  ["vmtp", 81],
  ["eigrp", 88],
  ["ospf", 89],
  ["ax.25", 93],
  ["ipip", 94],
  ["etherip", 97],
  ["encap", 98],
  ["pim", 103],
  ["ipcomp", 108],
  ["vrrp", 112],
  ["carp", 112],
  ["l2tp", 115],
  ["isis", 124],
  ["sctp", 132],
  ["fc", 133],
  ["mobility-header", 135],
  ["udplite", 136],
  ["mpls-in-ip", 137],
  ["manet", 138],
  ["hip", 139],
  ["shim6", 140],
  ["wesp", 141],
  ["rohc", 142],
  ["ethernet", 143],
]);

export const ETHERTYPE_IP = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_REVARP = 0x8035;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_8021Q = 0x8100;
export const ETHERTYPE_8021AD = 0x88a8;
export const ETHERTYPE_8021QINQ = 0x9100;

/** EtherTypes by the names `ether proto` accepts (pcap-filter(7)). */
export const ETHER_PROTOCOLS: ReadonlyMap<string, number> = new Map([
  ["ip", ETHERTYPE_IP],
  ["ip6", ETHERTYPE_IPV6],
  ["arp", ETHERTYPE_ARP],
  ["rarp", ETHERTYPE_REVARP],
  ["atalk", 0x809b],
  ["aarp", 0x80f3],
  ["decnet", 0x6003],
  ["lat", 0x6004],
  ["sca", 0x6007],
  ["moprc", 0x6002],
  ["mopdl", 0x6001],
  ["ipx", 0x8137],
  ["loopback", 0x9000],
]);

export const IPPROTO_ICMP = 1;
export const IPPROTO_IGMP = 2;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_AH = 51;
export const IPPROTO_ESP = 50;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_IGRP = 9;
export const IPPROTO_PIM = 103;
export const IPPROTO_VRRP = 112;
export const IPPROTO_SCTP = 132;

/**
 * The transport protocols a `pname` abbreviation stands for: which IP versions it applies
 * to and its protocol number (pcap-filter(7): `tcp` is `ip proto 6 or ip6 proto 6`, `icmp`
 * only `ip proto 1`, and so on).
 */
export const TRANSPORT_ABBREVIATIONS: ReadonlyMap<
  string,
  { number: number; v4: boolean; v6: boolean }
> = new Map([
  ["tcp", { number: IPPROTO_TCP, v4: true, v6: true }],
  ["udp", { number: IPPROTO_UDP, v4: true, v6: true }],
  ["sctp", { number: IPPROTO_SCTP, v4: true, v6: true }],
  ["icmp", { number: IPPROTO_ICMP, v4: true, v6: false }],
  ["icmp6", { number: IPPROTO_ICMPV6, v4: false, v6: true }],
  ["igmp", { number: IPPROTO_IGMP, v4: true, v6: false }],
  ["igrp", { number: IPPROTO_IGRP, v4: true, v6: false }],
  ["pim", { number: IPPROTO_PIM, v4: true, v6: true }],
  ["vrrp", { number: IPPROTO_VRRP, v4: true, v6: false }],
  ["carp", { number: IPPROTO_VRRP, v4: true, v6: false }],
  ["ah", { number: IPPROTO_AH, v4: true, v6: true }],
  ["esp", { number: IPPROTO_ESP, v4: true, v6: true }],
]);
