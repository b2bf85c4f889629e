/**
 * AF_PACKET specifics (packet(7)): interface lookup, binding a packet socket to one interface
 * (or all), promiscuous membership, classic BPF filters (SO_ATTACH_FILTER), the kernel's
 * receive counters (PACKET_STATISTICS), and receiving one frame with the sockaddr_ll that
 * says where it came from and which way it went.
 *
 * A packet socket made with protocol 0 receives nothing until bind() names a protocol, which
 * is how a capture avoids queueing frames of every interface between socket() and bind().
 */
import koffi from "koffi";
import { c, fn, lastErrno } from "./_libc.js";
import { ERRNO, SysError } from "./errno.js";
import { close } from "./fd.js";
import {
  AF_INET,
  AF_PACKET,
  bind,
  getBufferOption,
  SOCK_DGRAM,
  SOL_SOCKET,
  setBufferOption,
  socket,
} from "./socket.js";

export const SOL_PACKET = 263;
export const PACKET_ADD_MEMBERSHIP = 1;
export const PACKET_DROP_MEMBERSHIP = 2;
export const PACKET_STATISTICS = 6;
export const PACKET_MR_PROMISC = 1;
export const SO_ATTACH_FILTER = 26;
export const SO_DETACH_FILTER = 27;
/** Every protocol (linux/if_ether.h), as given to bind() in network byte order. */
export const ETH_P_ALL = 0x0003;

/** sll_pkttype values: who the frame was for, or that this host sent it. */
export const PACKET_HOST = 0;
export const PACKET_BROADCAST = 1;
export const PACKET_MULTICAST = 2;
export const PACKET_OTHERHOST = 3;
export const PACKET_OUTGOING = 4;

/** ARPHRD_* hardware types (linux/if_arp.h) that decide a capture's link type. */
export const ARPHRD_ETHER = 1;
export const ARPHRD_LOOPBACK = 772;
export const ARPHRD_NONE = 0xfffe;

/** Interface flags (net/if.h). */
export const IFF_UP = 0x1;

const SIOCGIFFLAGS = 0x8913;
const SIOCGIFHWADDR = 0x8927;
/** Timestamp of the last frame read from the socket, as a struct timespec. */
const SIOCGSTAMPNS = 0x8907;
const MSG_TRUNC = 0x20;
const IFNAMSIZ = 16;
/** struct sockaddr_ll. */
export const SOCKADDR_LL_LENGTH = 20;

const c2 = {
  if_nametoindex: fn("unsigned int if_nametoindex(const char *name)"),
  if_indextoname: fn("void *if_indextoname(unsigned int index, void *name)"),
  setsockopt_fprog: (() => {
    // struct sock_fprog holds a pointer to the instructions; koffi lays out the struct and
    // passes the typed array's address for the pointer member, which a plain byte buffer
    // cannot express.
    koffi.struct("evnet_sock_fprog", { len: "uint16_t", filter: "uint8_t *" });
    return fn(
      "int setsockopt(int fd, int level, int name, const evnet_sock_fprog *value, unsigned int len)",
    );
  })(),
};

/** The index of a network interface, or 0 when there is none by that name. */
export function interfaceIndex(name: string): number {
  if (name.length === 0 || Buffer.byteLength(name) >= IFNAMSIZ) return 0;
  return c2.if_nametoindex(name) as number;
}

const nameBox = new Uint8Array(IFNAMSIZ);

/** The name of the interface with this index, or null when there is none. */
export function interfaceName(index: number): string | null {
  nameBox.fill(0);
  if (c2.if_indextoname(index >>> 0, nameBox) === null) return null;
  const end = nameBox.indexOf(0);
  return Buffer.from(nameBox.subarray(0, end < 0 ? IFNAMSIZ : end)).toString();
}

/** What SIOCGIFFLAGS and SIOCGIFHWADDR say about an interface. */
export interface InterfaceDetails {
  /** ARPHRD_* hardware type. */
  hardwareType: number;
  /** IFF_* flags. */
  flags: number;
}

/**
 * The hardware type and flags of an interface, asked through an unprivileged UDP socket.
 * Throws SysError ENODEV for a name the kernel does not know.
 */
export function interfaceDetails(name: string): InterfaceDetails {
  const nameBytes = Buffer.from(name);
  if (nameBytes.length === 0 || nameBytes.length >= IFNAMSIZ) {
    throw new SysError("ioctl", ERRNO.ENODEV, `interface ${JSON.stringify(name)}`);
  }
  // struct ifreq: the name, then a union whose first member is a sockaddr (24 bytes).
  const ifreq = new Uint8Array(40);
  const fd = socket(AF_INET, SOCK_DGRAM);
  try {
    ifreq.set(nameBytes, 0);
    if ((c.ioctl(fd, SIOCGIFHWADDR, ifreq) as number) < 0) {
      throw new SysError("ioctl", lastErrno(), `SIOCGIFHWADDR ${name}`);
    }
    const hardwareType = ifreq[16]! | (ifreq[17]! << 8);
    ifreq.fill(0, IFNAMSIZ);
    if ((c.ioctl(fd, SIOCGIFFLAGS, ifreq) as number) < 0) {
      throw new SysError("ioctl", lastErrno(), `SIOCGIFFLAGS ${name}`);
    }
    const flags = ifreq[16]! | (ifreq[17]! << 8);
    return { hardwareType, flags };
  } finally {
    close(fd);
  }
}

/**
 * Opens a non-blocking packet socket: `SOCK_RAW` delivers frames with their link header,
 * `SOCK_DGRAM` from the network header (cooked). It receives nothing until bound.
 */
export function packetSocket(type: number): number {
  return socket(AF_PACKET, type, 0);
}

/** Binds a packet socket to every protocol on one interface (`ifindex` 0: all of them). */
export function bindPacket(fd: number, ifindex: number, protocol = ETH_P_ALL): void {
  const addr = new Uint8Array(SOCKADDR_LL_LENGTH);
  const view = new DataView(addr.buffer);
  view.setUint16(0, AF_PACKET, true);
  view.setUint16(2, protocol, false);
  view.setInt32(4, ifindex, true);
  bind(fd, addr);
}

/** Puts the interface in promiscuous mode for as long as this socket stays open. */
export function addPromiscuousMembership(fd: number, ifindex: number): void {
  // struct packet_mreq: int ifindex; unsigned short type, alen; unsigned char address[8].
  const mreq = new Uint8Array(16);
  const view = new DataView(mreq.buffer);
  view.setInt32(0, ifindex, true);
  view.setUint16(4, PACKET_MR_PROMISC, true);
  setBufferOption(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq);
}

/** One classic BPF instruction as struct sock_filter lays it out. */
export interface SocketFilterInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/**
 * Attaches a classic BPF program (SO_ATTACH_FILTER), replacing any attached before. The
 * kernel runs it on every frame before queueing it; a return of 0 drops the frame.
 */
export function attachFilter(fd: number, program: readonly SocketFilterInstruction[]): void {
  if (program.length === 0 || program.length > 0xffff) {
    throw new RangeError(`a socket filter has 1 to 65535 instructions, got ${program.length}`);
  }
  const bytes = new Uint8Array(program.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < program.length; i++) {
    const ins = program[i]!;
    view.setUint16(i * 8, ins.code, true);
    view.setUint8(i * 8 + 2, ins.jt);
    view.setUint8(i * 8 + 3, ins.jf);
    view.setUint32(i * 8 + 4, ins.k >>> 0, true);
  }
  const fprog = { len: program.length, filter: bytes };
  if ((c2.setsockopt_fprog(fd, SOL_SOCKET, SO_ATTACH_FILTER, fprog, 16) as number) < 0) {
    throw new SysError("setsockopt", lastErrno(), `SO_ATTACH_FILTER fd ${fd}`);
  }
}

/** The kernel's counters since the last call (reading them resets them). */
export interface PacketStatistics {
  /** Frames that passed the socket filter, including those then dropped. */
  packets: number;
  /** Frames dropped because the receive buffer was full. */
  drops: number;
}

const statsBox = new Uint8Array(8);

export function packetStatistics(fd: number): PacketStatistics {
  statsBox.fill(0);
  getBufferOption(fd, SOL_PACKET, PACKET_STATISTICS, statsBox);
  const view = new DataView(statsBox.buffer);
  return { packets: view.getUint32(0, true), drops: view.getUint32(4, true) };
}

/** Where a frame came from: the sockaddr_ll fields recvfrom fills in. */
export class LinkSource {
  /** Ethertype in host order (sll_protocol is stored in network order). */
  protocol = 0;
  ifindex = 0;
  /** ARPHRD_* of the interface. */
  hardwareType = 0;
  /** PACKET_HOST, PACKET_OUTGOING... */
  packetType = 0;
  /** Length of the link-layer address. */
  addressLength = 0;
  /** The sender's link-layer address (8 bytes, the first addressLength meaningful). */
  readonly address = new Uint8Array(8);
}

const addrBox = new Uint8Array(SOCKADDR_LL_LENGTH);
const addrView = new DataView(addrBox.buffer);
const addrLenBox = new Uint32Array(1);

/**
 * Receives one frame into `buf` and fills `from`. Returns the frame's full length (larger
 * than `buf` when it was cut: MSG_TRUNC), or -1 when none is waiting.
 */
export function receivePacket(fd: number, buf: Uint8Array, from: LinkSource): number {
  for (;;) {
    addrLenBox[0] = SOCKADDR_LL_LENGTH;
    const n = c.recvfrom(fd, buf, buf.byteLength, MSG_TRUNC, addrBox, addrLenBox) as number;
    if (n >= 0) {
      from.protocol = addrView.getUint16(2, false);
      from.ifindex = addrView.getInt32(4, true);
      from.hardwareType = addrView.getUint16(8, true);
      from.packetType = addrBox[10]!;
      from.addressLength = addrBox[11]!;
      from.address.set(addrBox.subarray(12, 20));
      return n;
    }
    const errno = lastErrno();
    if (errno === ERRNO.EAGAIN) return -1;
    if (errno !== ERRNO.EINTR) throw new SysError("recvfrom", errno, `fd ${fd}`);
  }
}

/** A receive time; {@link readPacketTime} fills one in. */
export interface PacketTime {
  seconds: number;
  nanos: number;
}

// struct timespec is two 64-bit fields; read as little-endian (x86-64, arm64) 32-bit halves
// to avoid a BigInt per packet.
const stampBox = new Uint32Array(4);

/**
 * Fills `into` with the receive time of the last frame read from `fd` (SIOCGSTAMPNS). The
 * first call also turns timestamping on for the socket and may find no frame yet: then it
 * returns false.
 */
export function readPacketTime(fd: number, into: PacketTime): boolean {
  if ((c.ioctl(fd, SIOCGSTAMPNS, stampBox) as number) < 0) {
    const errno = lastErrno();
    if (errno === ERRNO.ENOENT) return false;
    throw new SysError("ioctl", errno, `SIOCGSTAMPNS fd ${fd}`);
  }
  into.seconds = stampBox[0]! + stampBox[1]! * 0x100000000;
  into.nanos = stampBox[2]!;
  return true;
}
