/**
 * The epoll(7) backend, level-triggered like libev's.
 *
 * Kernel quirks handled here, as ev_epoll.c does:
 * - epoll watches open file descriptions, not fd numbers: a closed and reopened fd number may
 *   still be registered (EEXIST on ADD: use MOD) or silently gone (ENOENT on MOD: use ADD).
 * - Regular files and directories cannot be polled (EPERM on ADD); POSIX says they are always
 *   ready, so they are kept aside and reported ready on every poll.
 * - An fd the loop no longer wants may still report events (its interest is dropped lazily):
 *   those are narrowed to what is wanted or removed from the set.
 * - EPOLLERR and EPOLLHUP wake both readers and writers, so that a reader sees EOF or the
 *   error from read() instead of waiting for ever.
 */
import {
  close,
  EPOLL_CTL_ADD,
  EPOLL_CTL_DEL,
  EPOLL_CTL_MOD,
  EPOLL_DATA_WORD,
  EPOLL_EVENT_SIZE,
  EPOLL_EVENT_WORDS,
  EPOLLERR,
  EPOLLHUP,
  EPOLLIN,
  EPOLLOUT,
  EPOLLRDHUP,
  ERRNO,
  epollCreate,
  epollCtl,
  epollWait,
  SysError,
} from "../../sys/index.js";
import { EV } from "../constants.js";
import { type Backend, type BackendSink, toMilliseconds } from "./backend.js";

const MIN_EVENTS = 64;
const MAX_EVENTS = 4096;

const toEpoll = (ev: number): number =>
  (ev & EV.READ ? EPOLLIN | EPOLLRDHUP : 0) | (ev & EV.WRITE ? EPOLLOUT : 0);

export class EpollBackend implements Backend {
  readonly name = "epoll" as const;
  pollFd: number;
  readonly maxFd = Number.POSITIVE_INFINITY;
  private readonly sink: BackendSink;
  private events: Uint8Array;
  private words: Uint32Array;
  private capacity = MIN_EVENTS;
  /** fds that epoll refused with EPERM (regular files): always ready. */
  private readonly alwaysReady = new Map<number, number>();

  constructor(sink: BackendSink) {
    this.sink = sink;
    this.pollFd = epollCreate();
    this.events = new Uint8Array(this.capacity * EPOLL_EVENT_SIZE);
    this.words = new Uint32Array(this.events.buffer);
  }

  modify(fd: number, oldEvents: number, newEvents: number): void {
    if (this.alwaysReady.has(fd)) {
      if (newEvents) this.alwaysReady.set(fd, newEvents);
      else this.alwaysReady.delete(fd);
      return;
    }
    if (newEvents === 0) {
      // ENOENT/EBADF here only mean the kernel already forgot the fd: nothing to undo.
      epollCtl(this.pollFd, EPOLL_CTL_DEL, fd, 0);
      return;
    }
    const mask = toEpoll(newEvents);
    let err = epollCtl(this.pollFd, oldEvents ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, mask);
    if (err === ERRNO.ENOENT) err = epollCtl(this.pollFd, EPOLL_CTL_ADD, fd, mask);
    else if (err === ERRNO.EEXIST) err = epollCtl(this.pollFd, EPOLL_CTL_MOD, fd, mask);
    if (err === 0) return;
    if (err === ERRNO.EPERM) this.alwaysReady.set(fd, newEvents);
    else if (err === ERRNO.EBADF) this.sink.fdKill(fd);
    else throw new SysError("epoll_ctl", err, `fd ${fd}`);
  }

  poll(timeout: number): void {
    const sink = this.sink;
    const ms = this.alwaysReady.size > 0 ? 0 : toMilliseconds(timeout);
    const n = epollWait(this.pollFd, this.events, this.capacity, ms);
    const words = this.words;
    for (let i = 0, base = 0; i < n; i++, base += EPOLL_EVENT_WORDS) {
      const fd = words[base + EPOLL_DATA_WORD]!;
      const e = words[base]!;
      const got =
        (e & (EPOLLOUT | EPOLLERR | EPOLLHUP) ? EV.WRITE : 0) |
        (e & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP) ? EV.READ : 0);
      const want = sink.fdWanted(fd);
      if ((e & EPOLLOUT && !(want & EV.WRITE)) || (e & EPOLLIN && !(want & EV.READ))) {
        // Interest dropped since the kernel queued this event: narrow it now.
        const op = want ? EPOLL_CTL_MOD : EPOLL_CTL_DEL;
        epollCtl(this.pollFd, op, fd, toEpoll(want));
      }
      if (got & want) sink.fdEvent(fd, got & want);
    }
    for (const [fd, want] of this.alwaysReady) sink.fdEvent(fd, want);
    if (n === this.capacity && this.capacity < MAX_EVENTS) {
      this.capacity *= 2;
      this.events = new Uint8Array(this.capacity * EPOLL_EVENT_SIZE);
      this.words = new Uint32Array(this.events.buffer);
    }
  }

  get alwaysReadyCount(): number {
    return this.alwaysReady.size;
  }

  fork(): void {
    close(this.pollFd);
    this.pollFd = epollCreate();
  }

  destroy(): void {
    if (this.pollFd >= 0) close(this.pollFd);
    this.pollFd = -1;
  }
}
