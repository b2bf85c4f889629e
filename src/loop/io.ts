/**
 * Io watchers (ev_io): is this fd readable or writable? Level-triggered: the callback is
 * invoked every iteration while the condition holds. Starting or stopping one only marks the
 * fd; the kernel hears about it once, just before the loop next blocks.
 */
import { EV } from "./constants.js";
import { Loop } from "./loop.js";
import { Watcher, type WatcherCallback } from "./watcher.js";

function checkFd(fd: number): number {
  if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0 || fd > 0x7fffffff) {
    throw new TypeError(`Io fd must be a non-negative integer, got ${String(fd)}`);
  }
  return fd;
}

function checkEvents(events: number): number {
  if (typeof events !== "number" || !Number.isInteger(events) || events & ~(EV.READ | EV.WRITE)) {
    throw new TypeError(
      `Io events must be a combination of EV.READ and EV.WRITE, got ${String(events)}`,
    );
  }
  return events;
}

export class Io extends Watcher {
  /** @internal */ _fd: number;
  /** @internal */ _events: number;

  constructor(loop: Loop, fd: number, events: number, cb: WatcherCallback<Io>) {
    super(loop, cb);
    this._fd = checkFd(fd);
    this._events = checkEvents(events);
  }

  get fd(): number {
    return this._fd;
  }

  /** The events this watcher waits for (EV.READ | EV.WRITE). */
  get events(): number {
    return this._events;
  }

  /** Changes fd and events; only while inactive (ev_io_set). */
  set(fd: number, events: number): void {
    this.assertInactive("set");
    this._fd = checkFd(fd);
    this._events = checkEvents(events);
  }

  start(): void {
    if (this._active !== 0) return;
    const loop = this.loop;
    const fd = this._fd;
    if (fd >= loop._backend.maxFd) {
      throw new RangeError(
        `the ${loop.backend} backend cannot watch fd ${fd} (limit ${loop._backend.maxFd}); use the epoll or poll backend`,
      );
    }
    loop._start(this, 1);
    const list = loop._fdWatchers[fd];
    // A literal of one: an empty array's first push reserves 17 slots, per fd, forever.
    if (!list) loop._fdWatchers[fd] = [this];
    else list.push(this);
    loop._fdChange(fd, Loop.FD_WATCHERS_CHANGED);
  }

  stop(): void {
    const loop = this.loop;
    loop.clearPending(this);
    if (this._active === 0) return;
    const list = loop._fdWatchers[this._fd]!;
    const last = list.length - 1;
    if (list[last] === this) list.pop();
    else list.splice(list.indexOf(this), 1);
    loop._stop(this);
    loop._fdChange(this._fd, Loop.FD_REIFY);
  }
}
