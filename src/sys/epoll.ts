/**
 * epoll(7). `struct epoll_event` is declared packed on x86-64 (12 bytes: u32 events, u64
 * data) and naturally aligned elsewhere (16 bytes, data at offset 8), so the layout is chosen
 * per architecture here and read through a Uint32Array view by the backend. evnet keeps the fd
 * in the low 32 bits of `data`.
 */
import { c, lastErrno } from "./_libc.js";
import { ERRNO, SysError } from "./errno.js";
import { O_CLOEXEC } from "./fd.js";

export const EPOLLIN = 0x001;
export const EPOLLPRI = 0x002;
export const EPOLLOUT = 0x004;
export const EPOLLERR = 0x008;
export const EPOLLHUP = 0x010;
export const EPOLLRDHUP = 0x2000;
export const EPOLLET = 0x80000000;

export const EPOLL_CTL_ADD = 1;
export const EPOLL_CTL_DEL = 2;
export const EPOLL_CTL_MOD = 3;

const packed = process.arch === "x64" || process.arch === "ia32";
/** Size of one struct epoll_event in bytes. */
export const EPOLL_EVENT_SIZE = packed ? 12 : 16;
/** Offset of `data` (where the fd sits) in 32-bit words within one event. */
export const EPOLL_DATA_WORD = packed ? 1 : 2;
/** Stride of one event in 32-bit words. */
export const EPOLL_EVENT_WORDS = EPOLL_EVENT_SIZE / 4;

const ctlEvent = new Uint8Array(EPOLL_EVENT_SIZE);
const ctlWords = new Uint32Array(ctlEvent.buffer);

export function epollCreate(): number {
  const fd = c.epoll_create1(O_CLOEXEC) as number;
  if (fd < 0) throw new SysError("epoll_create1", lastErrno());
  return fd;
}

/**
 * epoll_ctl; returns 0 on success or the errno (never throws) so the backend can apply
 * libev's recovery rules (EEXIST on ADD means MOD, ENOENT on MOD means ADD, EPERM means the fd
 * cannot be polled).
 */
export function epollCtl(epfd: number, op: number, fd: number, events: number): number {
  ctlWords[0] = events >>> 0;
  ctlWords[EPOLL_DATA_WORD] = fd;
  ctlWords[EPOLL_DATA_WORD + 1] = 0;
  return c.epoll_ctl(epfd, op, fd, ctlEvent) < 0 ? lastErrno() : 0;
}

/**
 * Waits for events into `buffer` (room for `maxEvents` events); `timeoutMs` -1 blocks
 * without limit. Returns the number of events, 0 on timeout or when a signal interrupted it.
 */
export function epollWait(
  epfd: number,
  buffer: Uint8Array,
  maxEvents: number,
  timeoutMs: number,
): number {
  const n = c.epoll_wait(epfd, buffer, maxEvents, timeoutMs) as number;
  if (n >= 0) return n;
  const errno = lastErrno();
  if (errno === ERRNO.EINTR) return 0;
  throw new SysError("epoll_wait", errno, `epfd ${epfd}`);
}
