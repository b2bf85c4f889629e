/**
 * Sockets: creation, addresses, options, accept/connect, datagrams, sendfile and a
 * four-buffer writev. Every socket evnet makes is non-blocking and close-on-exec. As in fd.ts,
 * "would block" is a return value (-1), not an exception; EINPROGRESS from connect is `false`.
 */
import { formatIPv6, parseIPv4, parseIPv6 } from "../bytes/ip.js";
import { c, type Fn, lastErrno } from "./_libc.js";
import { loadNative } from "./_native.js";
import { ERRNO, SysError } from "./errno.js";
import { O_CLOEXEC, O_NONBLOCK } from "./fd.js";

export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_PACKET = 17;

export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;

export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const SO_ERROR = 4;
export const SO_BROADCAST = 6;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_KEEPALIVE = 9;
export const SO_REUSEPORT = 15;

export const IPPROTO_TCP = 6;
export const TCP_NODELAY = 1;
export const TCP_KEEPIDLE = 4;
export const TCP_KEEPINTVL = 5;
export const TCP_KEEPCNT = 6;
export const IPPROTO_IPV6 = 41;
export const IPV6_V6ONLY = 26;

export const SHUT_RD = 0;
export const SHUT_WR = 1;
export const SHUT_RDWR = 2;

const MSG_NOSIGNAL = 0x4000;
const FLAGS = O_NONBLOCK | O_CLOEXEC;

/** A socket address as evnet hands it around. `port` is 0 for unix sockets. */
export interface SocketAddress {
  family: "IPv4" | "IPv6" | "unix";
  address: string;
  port: number;
}

/** Opens a non-blocking, close-on-exec socket. */
export function socket(domain: number, type: number, protocol = 0): number {
  const fd = c.socket(domain, type | FLAGS, protocol) as number;
  if (fd < 0) throw new SysError("socket", lastErrno());
  return fd;
}

/** Which address family a textual host belongs to (throws on neither IPv4 nor IPv6). */
export function familyOf(host: string): typeof AF_INET | typeof AF_INET6 {
  if (parseIPv4(host)) return AF_INET;
  if (parseIPv6Host(host)) return AF_INET6;
  throw new TypeError(`not a numeric IPv4 or IPv6 address: ${JSON.stringify(host)}`);
}

/** IPv6 text without its zone (`fe80::1%eth0`): the scope is not used for numeric hosts. */
function parseIPv6Host(text: string): Uint8Array | null {
  const zone = text.indexOf("%");
  return parseIPv6(zone >= 0 ? text.slice(0, zone) : text);
}

/** Encodes a socket address; `host` is numeric IPv4/IPv6, or a path when `port` is undefined. */
export function encodeAddress(host: string, port?: number): Uint8Array {
  if (port === undefined) {
    const path = Buffer.from(host);
    if (path.length === 0 || path.length > 107) {
      throw new RangeError(`unix socket path must be 1..107 bytes, got ${path.length}`);
    }
    const out = new Uint8Array(2 + path.length + 1);
    new DataView(out.buffer).setUint16(0, AF_UNIX, true);
    out.set(path, 2);
    return out;
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port must be an integer in 0..65535, got ${String(port)}`);
  }
  const v4 = parseIPv4(host);
  if (v4) {
    const out = new Uint8Array(16);
    const view = new DataView(out.buffer);
    view.setUint16(0, AF_INET, true);
    view.setUint16(2, port, false);
    out.set(v4, 4);
    return out;
  }
  const v6 = parseIPv6Host(host);
  if (v6) {
    const out = new Uint8Array(28);
    const view = new DataView(out.buffer);
    view.setUint16(0, AF_INET6, true);
    view.setUint16(2, port, false);
    out.set(v6, 8);
    return out;
  }
  throw new TypeError(`not a numeric IPv4 or IPv6 address: ${JSON.stringify(host)}`);
}

/** Decodes the first `len` bytes of a sockaddr buffer. */
export function decodeAddress(buf: Uint8Array, len: number): SocketAddress {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const family = len >= 2 ? view.getUint16(0, true) : 0;
  if (family === AF_INET) {
    return {
      family: "IPv4",
      address: `${buf[4]}.${buf[5]}.${buf[6]}.${buf[7]}`,
      port: view.getUint16(2, false),
    };
  }
  if (family === AF_INET6) {
    return {
      family: "IPv6",
      address: formatIPv6(buf.subarray(8, 24)),
      port: view.getUint16(2, false),
    };
  }
  let end = 2;
  while (end < len && buf[end] !== 0) end++;
  return { family: "unix", address: Buffer.from(buf.subarray(2, end)).toString(), port: 0 };
}

function check(result: number, call: string, detail?: string): void {
  if (result < 0) throw new SysError(call, lastErrno(), detail);
}

export function bind(fd: number, addr: Uint8Array): void {
  check(c.bind(fd, addr, addr.byteLength), "bind");
}

export function listen(fd: number, backlog = 511): void {
  check(c.listen(fd, backlog), "listen");
}

/**
 * Accepts one connection as a non-blocking, close-on-exec fd; -1 when none is waiting.
 * Errors that concern only the connection being accepted (it was reset, the peer vanished)
 * also return -1: the caller simply tries again later. EMFILE/ENFILE throw.
 */
export function accept(fd: number): number {
  for (;;) {
    const conn = c.accept4(fd, null, null, FLAGS) as number;
    if (conn >= 0) return conn;
    const errno = lastErrno();
    if (errno === ERRNO.EINTR) continue;
    if (errno === ERRNO.EAGAIN || errno === ERRNO.ECONNABORTED || errno === ERRNO.EPROTO) return -1;
    throw new SysError("accept4", errno, `fd ${fd}`);
  }
}

/** Starts a connect; true when already connected, false when in progress (wait for writable). */
export function connect(fd: number, addr: Uint8Array): boolean {
  for (;;) {
    if ((c.connect(fd, addr, addr.byteLength) as number) === 0) return true;
    const errno = lastErrno();
    if (errno === ERRNO.EINPROGRESS || errno === ERRNO.EAGAIN) return false;
    if (errno !== ERRNO.EINTR) throw new SysError("connect", errno, `fd ${fd}`);
  }
}

export function shutdown(fd: number, how: number): void {
  check(c.shutdown(fd, how), "shutdown", `fd ${fd}`);
}

const intBox = new Int32Array(1);
const lenBox = new Uint32Array(1);

export function setIntOption(fd: number, level: number, name: number, value: number): void {
  intBox[0] = value;
  check(c.setsockopt(fd, level, name, intBox, 4), "setsockopt", `fd ${fd}`);
}

export function getIntOption(fd: number, level: number, name: number): number {
  lenBox[0] = 4;
  check(c.getsockopt(fd, level, name, intBox, lenBox), "getsockopt", `fd ${fd}`);
  return intBox[0]!;
}

/** setsockopt with a caller-laid-out value (a struct as bytes). */
export function setBufferOption(fd: number, level: number, name: number, value: Uint8Array): void {
  check(c.setsockopt(fd, level, name, value, value.byteLength), "setsockopt", `fd ${fd}`);
}

/** getsockopt into `value`; returns the length the kernel filled in. */
export function getBufferOption(
  fd: number,
  level: number,
  name: number,
  value: Uint8Array,
): number {
  lenBox[0] = value.byteLength;
  check(c.getsockopt(fd, level, name, value, lenBox), "getsockopt", `fd ${fd}`);
  return lenBox[0]!;
}

/** The pending error of a socket (SO_ERROR), 0 when none; reading it clears it. */
export function socketError(fd: number): number {
  return getIntOption(fd, SOL_SOCKET, SO_ERROR);
}

const addrBox = new Uint8Array(128);

export function localAddress(fd: number): SocketAddress {
  lenBox[0] = addrBox.byteLength;
  check(c.getsockname(fd, addrBox, lenBox), "getsockname", `fd ${fd}`);
  return decodeAddress(addrBox, lenBox[0]!);
}

export function remoteAddress(fd: number): SocketAddress {
  lenBox[0] = addrBox.byteLength;
  check(c.getpeername(fd, addrBox, lenBox), "getpeername", `fd ${fd}`);
  return decodeAddress(addrBox, lenBox[0]!);
}

/** Sends one datagram (to `addr`, or to the connected peer when null); -1 when it would block. */
export function sendTo(fd: number, buf: Uint8Array, addr: Uint8Array | null): number {
  for (;;) {
    const n = c.sendto(fd, buf, buf.byteLength, MSG_NOSIGNAL, addr, addr ? addr.byteLength : 0);
    if (n >= 0) return n as number;
    const errno = lastErrno();
    if (errno === ERRNO.EAGAIN) return -1;
    if (errno !== ERRNO.EINTR) throw new SysError("sendto", errno, `fd ${fd}`);
  }
}

/** Receives one datagram into `buf`; returns its length (-1 when none) and the sender. */
export function recvFrom(
  fd: number,
  buf: Uint8Array,
): { length: number; from: SocketAddress | null } {
  for (;;) {
    lenBox[0] = addrBox.byteLength;
    const n = c.recvfrom(fd, buf, buf.byteLength, 0, addrBox, lenBox) as number;
    if (n >= 0)
      return { length: n, from: lenBox[0]! > 0 ? decodeAddress(addrBox, lenBox[0]!) : null };
    const errno = lastErrno();
    if (errno === ERRNO.EAGAIN) return { length: -1, from: null };
    if (errno !== ERRNO.EINTR) throw new SysError("recvfrom", errno, `fd ${fd}`);
  }
}

const offsetBox = new BigInt64Array(1);

/**
 * Copies up to `count` bytes of file `inFd` from `offset` to socket `outFd` inside the kernel.
 * Returns the bytes sent, or -1 when the socket would block.
 */
export function sendfile(outFd: number, inFd: number, offset: number, count: number): number {
  for (;;) {
    offsetBox[0] = BigInt(offset);
    const n = c.sendfile(outFd, inFd, offsetBox, count) as number;
    if (n >= 0) return n;
    const errno = lastErrno();
    if (errno === ERRNO.EAGAIN) return -1;
    if (errno !== ERRNO.EINTR) throw new SysError("sendfile", errno, `fd ${outFd}`);
  }
}

const EMPTY = new Uint8Array(0);
let nativeWritev: Fn | null = null;

/**
 * writev(2) of up to four buffers in one syscall; returns bytes written or -1 when it would
 * block. Pass fewer by leaving the rest out.
 */
export function writev4(
  fd: number,
  a: Uint8Array,
  b: Uint8Array = EMPTY,
  c3: Uint8Array = EMPTY,
  d: Uint8Array = EMPTY,
): number {
  if (!nativeWritev) nativeWritev = loadNative().writev4;
  const writev = nativeWritev;
  for (;;) {
    const n = writev(fd, a, a.byteLength, b, b.byteLength, c3, c3.byteLength, d, d.byteLength);
    if (n >= 0) return n as number;
    const errno = lastErrno();
    if (errno === ERRNO.EAGAIN) return -1;
    if (errno !== ERRNO.EINTR) throw new SysError("writev", errno, `fd ${fd}`);
  }
}
