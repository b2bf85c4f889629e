/**
 * The poll(2) backend: one array of struct pollfd, with each fd's slot remembered so that a
 * change is O(1); removing an fd moves the last entry into its slot (ev_poll.c's scheme).
 * poll reports a closed descriptor as POLLNVAL instead of failing the call, so bad fds are
 * found one by one and their watchers killed.
 */
import {
  POLLERR,
  POLLFD_SIZE,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  POLLRDHUP,
  pollFds,
} from "../../sys/index.js";
import { EV } from "../constants.js";
import { type Backend, type BackendSink, toMilliseconds } from "./backend.js";

export class PollBackend implements Backend {
  readonly name = "poll" as const;
  readonly pollFd = -1;
  readonly maxFd = Number.POSITIVE_INFINITY;
  readonly alwaysReadyCount = 0;
  private readonly sink: BackendSink;
  private buffer = new Uint8Array(64 * POLLFD_SIZE);
  private fds = new Int32Array(this.buffer.buffer);
  private shorts = new Int16Array(this.buffer.buffer);
  private count = 0;
  /** slot + 1 of each fd in the pollfd array, 0 when absent; indexed by fd */
  private slots: number[] = [];

  constructor(sink: BackendSink) {
    this.sink = sink;
  }

  modify(fd: number, _oldEvents: number, newEvents: number): void {
    let slot = (this.slots[fd] ?? 0) - 1;
    if (newEvents === 0) {
      if (slot < 0) return;
      const last = --this.count;
      if (slot !== last) {
        const moved = this.fds[last * 2]!;
        this.fds[slot * 2] = moved;
        this.fds[slot * 2 + 1] = this.fds[last * 2 + 1]!;
        this.slots[moved] = slot + 1;
      }
      this.slots[fd] = 0;
      return;
    }
    if (slot < 0) {
      if ((this.count + 1) * POLLFD_SIZE > this.buffer.byteLength) this.grow();
      slot = this.count++;
      this.slots[fd] = slot + 1;
      this.fds[slot * 2] = fd;
    }
    this.shorts[slot * 4 + 2] =
      (newEvents & EV.READ ? POLLIN | POLLRDHUP : 0) | (newEvents & EV.WRITE ? POLLOUT : 0);
    this.shorts[slot * 4 + 3] = 0;
  }

  private grow(): void {
    const bigger = new Uint8Array(this.buffer.byteLength * 2);
    bigger.set(this.buffer);
    this.buffer = bigger;
    this.fds = new Int32Array(bigger.buffer);
    this.shorts = new Int16Array(bigger.buffer);
  }

  poll(timeout: number): void {
    let ready = pollFds(this.buffer, this.count, toMilliseconds(timeout));
    const shorts = this.shorts;
    for (let i = 0; ready > 0 && i < this.count; i++) {
      const r = shorts[i * 4 + 3]!;
      if (r === 0) continue;
      ready--;
      const fd = this.fds[i * 2]!;
      if (r & POLLNVAL) {
        this.sink.fdKill(fd);
        continue;
      }
      this.sink.fdEvent(
        fd,
        (r & (POLLOUT | POLLERR | POLLHUP) ? EV.WRITE : 0) |
          (r & (POLLIN | POLLRDHUP | POLLERR | POLLHUP) ? EV.READ : 0),
      );
    }
  }

  fork(): void {}

  destroy(): void {
    this.count = 0;
    this.slots = [];
  }
}
