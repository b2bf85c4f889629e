import { LINKTYPE } from "../file/linktype.js";
import { FilterError } from "./errors.js";

// The link types the compiler knows (LINKTYPE_* of the pcap and pcapng formats), defined once
// in file/linktype.ts; filter/ passes them on as part of its surface.
export {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
} from "../file/linktype.js";

export type LinkKind = "ethernet" | "sll" | "sll2" | "raw" | "ipv4" | "ipv6" | "null";

/** Where a link type keeps its protocol field and its payload. */
export interface LinkLayer {
  linkType: number;
  kind: LinkKind;
  /** libpcap's description, used in messages ("no VLAN support for Raw IP"). */
  description: string;
  /** Offset of the 16-bit EtherType-like protocol field, or -1 when there is none. */
  offLinkType: number;
  /** Offset of the network-layer header. */
  offLinkPayload: number;
}

const LINKS: ReadonlyMap<number, LinkLayer> = new Map(
  (
    [
      [LINKTYPE.ETHERNET, "ethernet", "Ethernet", 12, 14],
      [LINKTYPE.LINUX_SLL, "sll", "Linux cooked v1", 14, 16],
      [LINKTYPE.LINUX_SLL2, "sll2", "Linux cooked v2", 0, 20],
      [LINKTYPE.RAW, "raw", "Raw IP", -1, 0],
      [LINKTYPE.IPV4, "ipv4", "Raw IPv4", -1, 0],
      [LINKTYPE.IPV6, "ipv6", "Raw IPv6", -1, 0],
      [LINKTYPE.NULL, "null", "BSD loopback", -1, 4],
    ] as const
  ).map(([linkType, kind, description, offLinkType, offLinkPayload]) => [
    linkType,
    { linkType, kind, description, offLinkType, offLinkPayload },
  ]),
);

/** The layout of a link type, or a FilterError for one the compiler does not support. */
export function linkLayerOf(linkType: number): LinkLayer {
  const link = LINKS.get(linkType);
  if (link === undefined) {
    throw new FilterError(
      "FILTER_UNSUPPORTED_LINK_TYPE",
      `link type ${linkType} is not supported (supported: ${[...LINKS.keys()].join(", ")})`,
    );
  }
  return link;
}
