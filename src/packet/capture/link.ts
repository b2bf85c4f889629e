/**
 * Which link type a live capture delivers, and the cooked headers built for it.
 *
 * As libpcap does on Linux: Ethernet and loopback interfaces give their frames as they are
 * (LINKTYPE_ETHERNET; loopback frames carry zero MAC addresses), interfaces without a link
 * header give raw IP, and every other interface, as well as the "any" pseudo-device, is read
 * cooked (SOCK_DGRAM, from the network header) with a Linux cooked header built from the
 * sockaddr_ll that recvfrom returns: LINUX_SLL2 by default (what tcpdump 4.99 with libpcap
 * 1.10 writes for `-i any`), or LINUX_SLL.
 */
import {
  ARPHRD_ETHER,
  ARPHRD_LOOPBACK,
  ARPHRD_NONE,
  type LinkSource,
  SOCK_DGRAM,
  SOCK_RAW,
} from "../../sys/index.js";
import { LINKTYPE } from "../file/linktype.js";

/** Hardware types whose frames start with the IP header (linux/if_arp.h). */
const RAW_IP_HARDWARE: ReadonlySet<number> = new Set([
  ARPHRD_NONE,
  519, // ARPHRD_RAWIP
  768, // ARPHRD_TUNNEL
  769, // ARPHRD_TUNNEL6
  776, // ARPHRD_SIT
]);

export const SLL_HEADER_LENGTH = 16;
export const SLL2_HEADER_LENGTH = 20;

/** How frames of one interface are read. */
export interface CaptureLink {
  /** LINKTYPE_* of the records. */
  linkType: number;
  /** SOCK_RAW (frames as the interface has them) or SOCK_DGRAM (cooked). */
  socketType: number;
  /** Bytes of cooked header put before each frame (0 when not cooked). */
  cookedHeaderLength: number;
}

export type CookedHeader = "sll" | "sll2";

/** The link a capture of an interface with this hardware type uses; `null` for "any". */
export function captureLinkFor(hardwareType: number | null, cooked: CookedHeader): CaptureLink {
  if (hardwareType === ARPHRD_ETHER || hardwareType === ARPHRD_LOOPBACK) {
    return { linkType: LINKTYPE.ETHERNET, socketType: SOCK_RAW, cookedHeaderLength: 0 };
  }
  if (hardwareType !== null && RAW_IP_HARDWARE.has(hardwareType)) {
    return { linkType: LINKTYPE.RAW, socketType: SOCK_RAW, cookedHeaderLength: 0 };
  }
  return cooked === "sll"
    ? {
        linkType: LINKTYPE.LINUX_SLL,
        socketType: SOCK_DGRAM,
        cookedHeaderLength: SLL_HEADER_LENGTH,
      }
    : {
        linkType: LINKTYPE.LINUX_SLL2,
        socketType: SOCK_DGRAM,
        cookedHeaderLength: SLL2_HEADER_LENGTH,
      };
}

/**
 * Writes the cooked header for a frame at the start of `out`, as libpcap fills it in:
 *
 * ```
 * LINUX_SLL (16 bytes)               LINUX_SLL2 (20 bytes)
 *  0 packet type       (2)            0 protocol          (2)
 *  2 ARPHRD type       (2)            2 reserved, 0       (2)
 *  4 address length    (2)            4 interface index   (4)
 *  6 address, 0-padded (8)            8 ARPHRD type       (2)
 * 14 protocol          (2)           10 packet type       (1)
 *                                    11 address length    (1)
 *                                    12 address, 0-padded (8)
 * ```
 * All fields big-endian.
 */
export function writeCookedHeader(linkType: number, out: Uint8Array, from: LinkSource): void {
  const addressLength = Math.min(from.addressLength, 8);
  if (linkType === LINKTYPE.LINUX_SLL) {
    out[0] = 0;
    out[1] = from.packetType;
    out[2] = from.hardwareType >> 8;
    out[3] = from.hardwareType & 0xff;
    out[4] = 0;
    out[5] = from.addressLength;
    out.fill(0, 6, 14);
    out.set(from.address.subarray(0, addressLength), 6);
    out[14] = from.protocol >> 8;
    out[15] = from.protocol & 0xff;
    return;
  }
  out[0] = from.protocol >> 8;
  out[1] = from.protocol & 0xff;
  out[2] = 0;
  out[3] = 0;
  out[4] = (from.ifindex >>> 24) & 0xff;
  out[5] = (from.ifindex >>> 16) & 0xff;
  out[6] = (from.ifindex >>> 8) & 0xff;
  out[7] = from.ifindex & 0xff;
  out[8] = from.hardwareType >> 8;
  out[9] = from.hardwareType & 0xff;
  out[10] = from.packetType;
  out[11] = from.addressLength;
  out.fill(0, 12, 20);
  out.set(from.address.subarray(0, addressLength), 12);
}
