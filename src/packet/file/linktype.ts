/**
 * Link-layer header types of capture files.
 *
 * A capture file stores a LINKTYPE_* value (the registry at tcpdump.org), while the BPF
 * devices of each OS speak DLT_* values. The two agree for most types, but a handful of
 * DLT values were assigned differently by different BSDs before the LINKTYPE registry
 * existed, so libpcap writes a fixed LINKTYPE value to files and maps it back on reading.
 * The one that matters in practice is raw IP: DLT_RAW is 12 on most systems and 14 on
 * OpenBSD, and both are stored in files as LINKTYPE_RAW (101). Old writers that stored the
 * DLT value directly are still met, so readers map 12 and 14 to 101 (Wireshark does too).
 *
 * Names follow `pcap_datalink_val_to_name` (the DLT name without its prefix, e.g.
 * `EN10MB` for Ethernet) and descriptions follow `pcap_datalink_val_to_description`,
 * which is what `tcpdump -L` prints: `EN10MB (Ethernet)`.
 *
 * @example
 * ```ts
 * import { LINKTYPE, formatLinkType, linkTypeFromName } from "evnet/packet";
 * formatLinkType(LINKTYPE.ETHERNET); // "EN10MB (Ethernet)"
 * linkTypeFromName("linux_sll2");    // 276
 * ```
 */

export const LINKTYPE = {
  /** BSD loopback: a 4-byte address family in the host byte order of the capturing machine. */
  NULL: 0,
  ETHERNET: 1,
  AX25: 3,
  IEEE802_5: 6,
  ARCNET_BSD: 7,
  SLIP: 8,
  PPP: 9,
  FDDI: 10,
  PPP_HDLC: 50,
  PPP_ETHER: 51,
  ATM_RFC1483: 100,
  /** Raw IPv4 or IPv6, told apart by the version nibble. DLT_RAW is 12 (14 on OpenBSD). */
  RAW: 101,
  SLIP_BSDOS: 102,
  PPP_BSDOS: 103,
  C_HDLC: 104,
  IEEE802_11: 105,
  FRELAY: 107,
  /** OpenBSD loopback: like NULL, but the address family is in network byte order. */
  LOOP: 108,
  ENC: 109,
  /** Linux cooked capture v1 (`-i any` before libpcap 1.10): a 16-byte pseudo header. */
  LINUX_SLL: 113,
  LTALK: 114,
  PFLOG: 117,
  IEEE802_11_PRISM: 119,
  IP_OVER_FC: 122,
  SUNATM: 123,
  IEEE802_11_RADIOTAP: 127,
  ARCNET_LINUX: 129,
  APPLE_IP_OVER_IEEE1394: 138,
  MTP2_WITH_PHDR: 139,
  MTP2: 140,
  MTP3: 141,
  SCCP: 142,
  DOCSIS: 143,
  LINUX_IRDA: 144,
  USER0: 147,
  USER15: 162,
  IEEE802_11_AVS: 163,
  BACNET_MS_TP: 165,
  PPP_PPPD: 166,
  GPRS_LLC: 169,
  LINUX_LAPD: 177,
  BLUETOOTH_HCI_H4: 187,
  USB_LINUX: 189,
  PPI: 192,
  IEEE802_15_4_WITHFCS: 195,
  ERF: 197,
  BLUETOOTH_HCI_H4_WITH_PHDR: 201,
  IPMB_LINUX: 209,
  USB_LINUX_MMAPPED: 220,
  IPNET: 226,
  CAN_SOCKETCAN: 227,
  /** Raw IPv4 only. */
  IPV4: 228,
  /** Raw IPv6 only. */
  IPV6: 229,
  IEEE802_15_4_NOFCS: 230,
  DBUS: 231,
  NFLOG: 239,
  NETANALYZER: 240,
  NETANALYZER_TRANSPARENT: 241,
  IPOIB: 242,
  MPEG_2_TS: 243,
  PFSYNC: 246,
  INFINIBAND: 247,
  SCTP: 248,
  USBPCAP: 249,
  BLUETOOTH_LE_LL: 251,
  WIRESHARK_UPPER_PDU: 252,
  NETLINK: 253,
  BLUETOOTH_LINUX_MONITOR: 254,
  PKTAP: 258,
  EPON: 259,
  VSOCK: 271,
  ETHERNET_MPACKET: 274,
  /** Linux cooked capture v2 (`-i any` since libpcap 1.10): a 20-byte pseudo header. */
  LINUX_SLL2: 276,
} as const;

/*
 * The link types the decoders and the filter compiler handle, as plain constants: the one
 * set evnet/packet uses everywhere (decode/ and filter/ import these; this file imports
 * nothing, so depending on it does not pull in the file readers).
 */
export const LINKTYPE_NULL = LINKTYPE.NULL;
export const LINKTYPE_ETHERNET = LINKTYPE.ETHERNET;
export const LINKTYPE_RAW = LINKTYPE.RAW;
export const LINKTYPE_LOOP = LINKTYPE.LOOP;
export const LINKTYPE_LINUX_SLL = LINKTYPE.LINUX_SLL;
export const LINKTYPE_IPV4 = LINKTYPE.IPV4;
export const LINKTYPE_IPV6 = LINKTYPE.IPV6;
export const LINKTYPE_LINUX_SLL2 = LINKTYPE.LINUX_SLL2;

/** The DLT_* values whose number differs from their LINKTYPE_* value. */
export const DLT = {
  ATM_RFC1483: 11,
  /** DLT_RAW everywhere but OpenBSD. */
  RAW: 12,
  /** DLT_RAW on OpenBSD (on BSD/OS the same number meant PPP_BSDOS). */
  RAW_OPENBSD: 14,
  /** DLT_LOOP on OpenBSD. */
  LOOP_OPENBSD: 12,
  /** DLT_ENC on OpenBSD. */
  ENC_OPENBSD: 13,
  SLIP_BSDOS: 15,
  PPP_BSDOS: 16,
  /** DLT_PFSYNC on the BSDs that have it. */
  PFSYNC: 18,
} as const;

interface LinkTypeEntry {
  readonly name: string;
  readonly description: string;
}

// Names are libpcap's DLT names; where a LINKTYPE constant above is spelled differently
// (ETHERNET vs EN10MB), the name here is the one `tcpdump -L` and `-y` use.
const TABLE = new Map<number, LinkTypeEntry>([
  [0, { name: "NULL", description: "BSD loopback" }],
  [1, { name: "EN10MB", description: "Ethernet" }],
  [3, { name: "AX25", description: "Amateur Radio AX.25" }],
  [6, { name: "IEEE802", description: "Token ring" }],
  [7, { name: "ARCNET", description: "BSD ARCNET" }],
  [8, { name: "SLIP", description: "SLIP" }],
  [9, { name: "PPP", description: "PPP" }],
  [10, { name: "FDDI", description: "FDDI" }],
  [50, { name: "PPP_SERIAL", description: "PPP over serial" }],
  [51, { name: "PPP_ETHER", description: "PPPoE" }],
  [100, { name: "ATM_RFC1483", description: "RFC 1483 LLC-encapsulated ATM" }],
  [101, { name: "RAW", description: "Raw IP" }],
  [102, { name: "SLIP_BSDOS", description: "BSD/OS SLIP" }],
  [103, { name: "PPP_BSDOS", description: "BSD/OS PPP" }],
  [104, { name: "C_HDLC", description: "Cisco HDLC" }],
  [105, { name: "IEEE802_11", description: "802.11" }],
  [107, { name: "FRELAY", description: "Frame Relay" }],
  [108, { name: "LOOP", description: "OpenBSD loopback" }],
  [109, { name: "ENC", description: "OpenBSD encapsulated IP" }],
  [113, { name: "LINUX_SLL", description: "Linux cooked v1" }],
  [114, { name: "LTALK", description: "Localtalk" }],
  [117, { name: "PFLOG", description: "OpenBSD pflog file" }],
  [119, { name: "PRISM_HEADER", description: "802.11 plus Prism header" }],
  [122, { name: "IP_OVER_FC", description: "RFC 2625 IP-over-Fibre Channel" }],
  [123, { name: "SUNATM", description: "Sun raw ATM" }],
  [127, { name: "IEEE802_11_RADIO", description: "802.11 plus radiotap header" }],
  [129, { name: "ARCNET_LINUX", description: "Linux ARCNET" }],
  [138, { name: "APPLE_IP_OVER_IEEE1394", description: "Apple IP-over-IEEE 1394" }],
  [139, { name: "MTP2_WITH_PHDR", description: "SS7 MTP2 with Pseudo-header" }],
  [140, { name: "MTP2", description: "SS7 MTP2" }],
  [141, { name: "MTP3", description: "SS7 MTP3" }],
  [142, { name: "SCCP", description: "SS7 SCCP" }],
  [143, { name: "DOCSIS", description: "DOCSIS" }],
  [144, { name: "LINUX_IRDA", description: "Linux IrDA" }],
  [163, { name: "IEEE802_11_RADIO_AVS", description: "802.11 plus AVS radio information header" }],
  [165, { name: "BACNET_MS_TP", description: "BACnet MS/TP" }],
  [166, { name: "PPP_PPPD", description: "PPP for pppd, with direction flag" }],
  [169, { name: "GPRS_LLC", description: "GPRS LLC" }],
  [177, { name: "LINUX_LAPD", description: "LAPD" }],
  [187, { name: "BLUETOOTH_HCI_H4", description: "Bluetooth HCI UART transport layer" }],
  [189, { name: "USB_LINUX", description: "USB with Linux header" }],
  [192, { name: "PPI", description: "Per-Packet Information" }],
  [195, { name: "IEEE802_15_4_WITHFCS", description: "IEEE 802.15.4 with FCS" }],
  [197, { name: "ERF", description: "Endace ERF header" }],
  [
    201,
    {
      name: "BLUETOOTH_HCI_H4_WITH_PHDR",
      description: "Bluetooth HCI UART transport layer plus pseudo-header",
    },
  ],
  [209, { name: "IPMB_LINUX", description: "IPMB with Linux/Pigeon Point pseudo-header" }],
  [220, { name: "USB_LINUX_MMAPPED", description: "USB with padded Linux header" }],
  [226, { name: "IPNET", description: "Solaris ipnet" }],
  [227, { name: "CAN_SOCKETCAN", description: "CAN-bus with SocketCAN headers" }],
  [228, { name: "IPV4", description: "Raw IPv4" }],
  [229, { name: "IPV6", description: "Raw IPv6" }],
  [230, { name: "IEEE802_15_4_NOFCS", description: "IEEE 802.15.4 without FCS" }],
  [231, { name: "DBUS", description: "D-Bus" }],
  [239, { name: "NFLOG", description: "Linux netfilter log messages" }],
  [240, { name: "NETANALYZER", description: "Ethernet with Hilscher netANALYZER pseudo-header" }],
  [
    241,
    {
      name: "NETANALYZER_TRANSPARENT",
      description: "Ethernet with Hilscher netANALYZER pseudo-header and with preamble and SFD",
    },
  ],
  [242, { name: "IPOIB", description: "RFC 4391 IP-over-Infiniband" }],
  [243, { name: "MPEG_2_TS", description: "MPEG-2 transport stream" }],
  [246, { name: "PFSYNC", description: "Packet filter state syncing" }],
  [247, { name: "INFINIBAND", description: "InfiniBand" }],
  [248, { name: "SCTP", description: "SCTP" }],
  [249, { name: "USBPCAP", description: "USB with USBPcap header" }],
  [251, { name: "BLUETOOTH_LE_LL", description: "Bluetooth Low Energy air interface" }],
  [252, { name: "WIRESHARK_UPPER_PDU", description: "Upper-protocol layer PDU" }],
  [253, { name: "NETLINK", description: "Linux netlink" }],
  [254, { name: "BLUETOOTH_LINUX_MONITOR", description: "Bluetooth Linux Monitor" }],
  [258, { name: "PKTAP", description: "Apple PKTAP" }],
  [259, { name: "EPON", description: "Ethernet with 802.3 Clause 65 EPON preamble" }],
  [271, { name: "VSOCK", description: "Linux vsock" }],
  [274, { name: "ETHERNET_MPACKET", description: "802.3br mPackets" }],
  [276, { name: "LINUX_SLL2", description: "Linux cooked v2" }],
]);
for (let user = 0; user <= 15; user++) {
  TABLE.set(147 + user, { name: `USER${user}`, description: `User ${user}` });
}

const BY_NAME = new Map<string, number>();
for (const [value, entry] of TABLE) BY_NAME.set(entry.name, value);
// The registry's own spellings, where they differ from the DLT name.
for (const [key, value] of Object.entries(LINKTYPE)) {
  if (!BY_NAME.has(key)) BY_NAME.set(key, value);
}

/** libpcap's name for a link type (`EN10MB`), or undefined for a value it does not know. */
export function linkTypeName(linkType: number): string | undefined {
  return TABLE.get(linkType)?.name;
}

/** libpcap's description of a link type (`Ethernet`), or undefined. */
export function linkTypeDescription(linkType: number): string | undefined {
  return TABLE.get(linkType)?.description;
}

/**
 * The link type for a name, case-insensitive, with or without a `DLT_` or `LINKTYPE_`
 * prefix: `EN10MB`, `ethernet`, `DLT_RAW` and `LINKTYPE_LINUX_SLL2` all resolve.
 */
export function linkTypeFromName(name: string): number | undefined {
  const bare = name.toUpperCase().replace(/^(DLT_|LINKTYPE_)/, "");
  return BY_NAME.get(bare);
}

/** One line of `tcpdump -L`: `EN10MB (Ethernet)`, or `DLT 999` for an unknown value. */
export function formatLinkType(linkType: number): string {
  const entry = TABLE.get(linkType);
  return entry ? `${entry.name} (${entry.description})` : `DLT ${linkType}`;
}

/**
 * The LINKTYPE_* value to store in a file for a DLT_* value of the given platform, as
 * libpcap's dlt_to_linktype does. Values that agree on every platform pass through.
 */
export function dltToLinkType(dlt: number, platform: NodeJS.Platform | "bsdos" = "linux"): number {
  switch (dlt) {
    case DLT.ATM_RFC1483:
      return LINKTYPE.ATM_RFC1483;
    case 12:
      return platform === "openbsd" ? LINKTYPE.LOOP : LINKTYPE.RAW;
    case 13:
      if (platform === "openbsd") return LINKTYPE.ENC;
      return platform === "bsdos" ? LINKTYPE.SLIP_BSDOS : dlt;
    case 14:
      if (platform === "openbsd") return LINKTYPE.RAW;
      return platform === "bsdos" ? LINKTYPE.PPP_BSDOS : dlt;
    case DLT.SLIP_BSDOS:
      return platform === "bsdos" ? dlt : LINKTYPE.SLIP_BSDOS;
    case DLT.PPP_BSDOS:
      return platform === "bsdos" ? dlt : LINKTYPE.PPP_BSDOS;
    case DLT.PFSYNC:
      return platform === "linux" ? dlt : LINKTYPE.PFSYNC;
    default:
      return dlt;
  }
}

/** The DLT_* value of the given platform for a LINKTYPE_* value read from a file. */
export function linkTypeToDlt(
  linkType: number,
  platform: NodeJS.Platform | "bsdos" = "linux",
): number {
  switch (linkType) {
    case LINKTYPE.ATM_RFC1483:
      return DLT.ATM_RFC1483;
    case LINKTYPE.RAW:
      return platform === "openbsd" ? DLT.RAW_OPENBSD : DLT.RAW;
    case LINKTYPE.LOOP:
      return platform === "openbsd" ? DLT.LOOP_OPENBSD : linkType;
    case LINKTYPE.ENC:
      return platform === "openbsd" ? DLT.ENC_OPENBSD : linkType;
    case LINKTYPE.SLIP_BSDOS:
      return platform === "bsdos" ? 13 : DLT.SLIP_BSDOS;
    case LINKTYPE.PPP_BSDOS:
      return platform === "bsdos" ? 14 : DLT.PPP_BSDOS;
    case LINKTYPE.PFSYNC:
      return platform === "linux" ? linkType : DLT.PFSYNC;
    default:
      return linkType;
  }
}

/**
 * The LINKTYPE_* value meant by a link type field read from a file. Files from writers that
 * stored DLT values directly say 12 or 14 for raw IP; everything else is taken as written.
 */
export function canonicalLinkType(fileValue: number): number {
  return fileValue === DLT.RAW || fileValue === DLT.RAW_OPENBSD ? LINKTYPE.RAW : fileValue;
}
