/**
 * poll(2). `struct pollfd` is 8 bytes: int fd, short events, short revents. The backend keeps
 * one growing buffer of them and reads it through Int32Array/Int16Array views.
 */
import { c, lastErrno } from "./_libc.js";
import { ERRNO, SysError } from "./errno.js";

export const POLLIN = 0x001;
export const POLLPRI = 0x002;
export const POLLOUT = 0x004;
export const POLLERR = 0x008;
export const POLLHUP = 0x010;
export const POLLNVAL = 0x020;
export const POLLRDHUP = 0x2000;
export const POLLFD_SIZE = 8;

/** Returns the number of ready entries, 0 on timeout or EINTR. */
export function pollFds(fds: Uint8Array, count: number, timeoutMs: number): number {
  const n = c.poll(fds, count, timeoutMs) as number;
  if (n >= 0) return n;
  const errno = lastErrno();
  if (errno === ERRNO.EINTR) return 0;
  throw new SysError("poll", errno);
}
