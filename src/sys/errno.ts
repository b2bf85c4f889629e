/**
 * System errors. Every failed libc call made through `sys/` throws a {@link SysError} that
 * names the errno (EBADF, EMFILE...), its number and the call that failed, the way Node's own
 * `fs` errors do, so callers can branch on `err.code`.
 */

/** errno numbers shared by Linux on x86-64 and arm64 (asm-generic/errno-base.h and errno.h). */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EPIPE: 32,
  ERANGE: 34,
  EPROTO: 71,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ELOOP: 40,
  ENOTSOCK: 88,
  EDESTADDRREQ: 89,
  EMSGSIZE: 90,
  EPROTOTYPE: 91,
  ENOPROTOOPT: 92,
  EPROTONOSUPPORT: 93,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  ENOBUFS: 105,
  EISCONN: 106,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
  EALREADY: 114,
  EINPROGRESS: 115,
} as const;

export type ErrnoName = keyof typeof ERRNO;

const namesByNumber: string[] = [];
for (const [name, num] of Object.entries(ERRNO)) namesByNumber[num] = name;

/** The symbolic name of an errno value, or `E<number>` for one this table does not know. */
export function errnoName(errno: number): string {
  return namesByNumber[errno] ?? `E${errno}`;
}

/** A libc call failed. `code` is the errno name, `errno` its number, `syscall` the call. */
export class SysError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;

  constructor(syscall: string, errno: number, detail?: string) {
    const code = errnoName(errno);
    super(`${syscall}${detail ? ` (${detail})` : ""} failed: ${code} (errno ${errno})`);
    this.name = "SysError";
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
  }
}
