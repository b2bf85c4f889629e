/**
 * select(2). glibc's fd_set is a fixed 1024-bit array (FD_SETSIZE), so descriptors at or above
 * 1024 cannot be watched this way at all: the backend refuses them up front.
 */
import { c, lastErrno } from "./_libc.js";
import { ERRNO, SysError } from "./errno.js";

export const FD_SETSIZE = 1024;
export const FD_SET_BYTES = FD_SETSIZE / 8;

const timeval = new BigInt64Array(2);

/**
 * Waits on the given sets (each FD_SET_BYTES long, modified in place); `timeoutMs` < 0
 * blocks without limit. Returns the number of ready bits, 0 on timeout or EINTR.
 */
export function selectFds(
  nfds: number,
  readSet: Uint8Array,
  writeSet: Uint8Array,
  timeoutMs: number,
): number {
  let tv: BigInt64Array | null = null;
  if (timeoutMs >= 0) {
    const us = Math.round(timeoutMs * 1000);
    timeval[0] = BigInt(Math.floor(us / 1e6));
    timeval[1] = BigInt(us % 1e6);
    tv = timeval;
  }
  const n = c.select(nfds, readSet, writeSet, null, tv) as number;
  if (n >= 0) return n;
  const errno = lastErrno();
  if (errno === ERRNO.EINTR) return 0;
  throw new SysError("select", errno);
}

export function fdSet(set: Uint8Array, fd: number): void {
  set[fd >> 3]! |= 1 << (fd & 7);
}

export function fdIsSet(set: Uint8Array, fd: number): boolean {
  return (set[fd >> 3]! & (1 << (fd & 7))) !== 0;
}
