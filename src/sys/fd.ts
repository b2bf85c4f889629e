/**
 * File descriptors: read, write, scatter/gather, pipes, socket pairs, close. Each call is one
 * FFI crossing. Reads and writes on a non-blocking fd return -1 for EAGAIN (and retry EINTR)
 * instead of throwing, because "would block" is a normal outcome for an event loop, not an
 * error; every other failure throws {@link SysError}.
 */
import { c, lastErrno } from "./_libc.js";
import { ERRNO, SysError } from "./errno.js";

export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
const F_GETFL = 3;
const F_SETFL = 4;
const F_GETFD = 1;

const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_NONBLOCK = O_NONBLOCK;
const SOCK_CLOEXEC = O_CLOEXEC;

/** Throws unless `fd` is a whole number in the range a descriptor can take. */
export function checkFd(fd: number, what = "fd"): void {
  if (!Number.isInteger(fd) || fd < 0 || fd > 0x7fffffff) {
    throw new TypeError(
      `${what} must be a non-negative integer file descriptor, got ${String(fd)}`,
    );
  }
}

/** True when `fd` names an open descriptor of this process. */
export function isOpen(fd: number): boolean {
  return c.fcntl(fd, F_GETFD, 0) >= 0;
}

export function close(fd: number): void {
  // Linux releases the descriptor even when close() reports EINTR, so retrying would close
  // someone else's fd; only EBADF is a caller bug worth reporting.
  if (c.close(fd) < 0) {
    const errno = lastErrno();
    if (errno === ERRNO.EBADF) throw new SysError("close", errno, `fd ${fd}`);
  }
}

/** Reads into `buf`; returns the byte count, 0 at end of file, or -1 when it would block. */
export function read(fd: number, buf: Uint8Array, length = buf.byteLength): number {
  for (;;) {
    const n = c.read(fd, buf, length) as number;
    if (n >= 0) return n;
    const errno = lastErrno();
    if (errno === ERRNO.EAGAIN) return -1;
    if (errno !== ERRNO.EINTR) throw new SysError("read", errno, `fd ${fd}`);
  }
}

/** Writes from `buf`; returns the byte count written, or -1 when it would block. */
export function write(fd: number, buf: Uint8Array, length = buf.byteLength): number {
  for (;;) {
    const n = c.write(fd, buf, length) as number;
    if (n >= 0) return n;
    const errno = lastErrno();
    if (errno === ERRNO.EAGAIN) return -1;
    if (errno !== ERRNO.EINTR) throw new SysError("write", errno, `fd ${fd}`);
  }
}

/** A pipe whose both ends are non-blocking and close-on-exec: `[readEnd, writeEnd]`. */
export function pipe(): [number, number] {
  const fds = new Int32Array(2);
  if (c.pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) throw new SysError("pipe2", lastErrno());
  return [fds[0]!, fds[1]!];
}

/** A connected pair of non-blocking, close-on-exec unix stream sockets. */
export function socketpair(): [number, number] {
  const fds = new Int32Array(2);
  const type = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
  if (c.socketpair(AF_UNIX, type, 0, fds) < 0) throw new SysError("socketpair", lastErrno());
  return [fds[0]!, fds[1]!];
}

export function setNonBlocking(fd: number, on = true): void {
  const flags = c.fcntl(fd, F_GETFL, 0) as number;
  if (flags < 0) throw new SysError("fcntl", lastErrno(), `F_GETFL fd ${fd}`);
  const next = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
  if (next !== flags && c.fcntl(fd, F_SETFL, next) < 0) {
    throw new SysError("fcntl", lastErrno(), `F_SETFL fd ${fd}`);
  }
}

export function getpid(): number {
  return c.getpid() as number;
}

/** Sends `signum` to `pid` (kill(2)). */
export function kill(pid: number, signum: number): void {
  if (c.kill(pid, signum) < 0) throw new SysError("kill", lastErrno(), `pid ${pid}`);
}
