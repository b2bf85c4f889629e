/**
 * The select(2) backend. glibc's fd_set holds descriptors 0..1023 only (FD_SETSIZE), so a
 * larger fd is refused when it is registered rather than corrupting memory. When a watched
 * fd was closed, select fails the whole call with EBADF; the backend then finds the bad
 * descriptors one by one (libev's fd_ebadf) and the loop kills their watchers.
 */
import { ERRNO, FD_SET_BYTES, FD_SETSIZE, isOpen, SysError, selectFds } from "../../sys/index.js";
import { EV } from "../constants.js";
import { type Backend, type BackendSink, toMilliseconds } from "./backend.js";

export class SelectBackend implements Backend {
  readonly name = "select" as const;
  readonly pollFd = -1;
  readonly maxFd = FD_SETSIZE;
  readonly alwaysReadyCount = 0;
  private readonly sink: BackendSink;
  private readonly readSet = new Uint8Array(FD_SET_BYTES);
  private readonly writeSet = new Uint8Array(FD_SET_BYTES);
  private readonly readOut = new Uint8Array(FD_SET_BYTES);
  private readonly writeOut = new Uint8Array(FD_SET_BYTES);
  /** fd -> wanted mask, for the fds that want anything */
  private readonly wanted = new Map<number, number>();
  private highestFd = -1;

  constructor(sink: BackendSink) {
    this.sink = sink;
  }

  modify(fd: number, _oldEvents: number, newEvents: number): void {
    if (fd >= FD_SETSIZE) {
      throw new RangeError(
        `the select backend cannot watch fd ${fd}: select() only handles fds below FD_SETSIZE (${FD_SETSIZE}); use the epoll or poll backend`,
      );
    }
    const byte = fd >> 3;
    const bit = 1 << (fd & 7);
    this.readSet[byte] =
      newEvents & EV.READ ? this.readSet[byte]! | bit : this.readSet[byte]! & ~bit;
    this.writeSet[byte] =
      newEvents & EV.WRITE ? this.writeSet[byte]! | bit : this.writeSet[byte]! & ~bit;
    if (newEvents) {
      this.wanted.set(fd, newEvents);
      if (fd > this.highestFd) this.highestFd = fd;
    } else {
      this.wanted.delete(fd);
      if (fd === this.highestFd) {
        this.highestFd = -1;
        for (const f of this.wanted.keys()) if (f > this.highestFd) this.highestFd = f;
      }
    }
  }

  poll(timeout: number): void {
    this.readOut.set(this.readSet);
    this.writeOut.set(this.writeSet);
    let ready: number;
    try {
      ready = selectFds(this.highestFd + 1, this.readOut, this.writeOut, toMilliseconds(timeout));
    } catch (err) {
      if (err instanceof SysError && err.errno === ERRNO.EBADF) {
        for (const fd of [...this.wanted.keys()]) if (!isOpen(fd)) this.sink.fdKill(fd);
        return;
      }
      throw err;
    }
    if (ready <= 0) return;
    const readOut = this.readOut;
    const writeOut = this.writeOut;
    for (let byte = 0, end = (this.highestFd >> 3) + 1; byte < end; byte++) {
      const r = readOut[byte]!;
      const w = writeOut[byte]!;
      if ((r | w) === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        const revents = ((r >> bit) & 1 ? EV.READ : 0) | ((w >> bit) & 1 ? EV.WRITE : 0);
        if (revents) this.sink.fdEvent(byte * 8 + bit, revents);
      }
    }
  }

  fork(): void {}

  destroy(): void {
    this.readSet.fill(0);
    this.writeSet.fill(0);
    this.wanted.clear();
    this.highestFd = -1;
  }
}
