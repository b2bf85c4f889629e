/**
 * Hosted mode: the loop's iterations driven by Node's own event loop instead of a blocking
 * call. Node's libuv watches one descriptor for us (a uv_poll handle from koffi): the epoll
 * set itself, or for the poll and select backends an epoll set that mirrors their interest
 * only so that Node can wait on it. A timerfd in the loop's fd set wakes Node at the next
 * timer deadline. Each wake-up runs one iteration that polls without blocking, then control
 * returns to Node, so promise continuations, Node timers and Node I/O run between iterations.
 *
 * While Node waits, a watcher started or stopped from ordinary Node code (outside any loop
 * callback) re-applies the fd changes and re-arms the timerfd in a microtask, so that it
 * takes effect without waiting for an unrelated wake-up.
 */
import { type NodePollHandle, nodePoll } from "../sys/_libc.js";
import { close, timerfdArm, timerfdCreate, timerfdDrain } from "../sys/index.js";
import type { Backend, BackendSink } from "./backend/backend.js";
import { EpollBackend } from "./backend/epoll.js";
import { monotonic } from "./clock.js";
import { BREAK, EV, MAXPRI } from "./constants.js";
import { Io } from "./io.js";
import type { Loop } from "./loop.js";

const ignoreEvents: BackendSink = { fdEvent() {}, fdKill() {}, fdWanted: () => 0 };

export class Host {
  private readonly loop: Loop;
  private readonly timerFd: number;
  private readonly timerIo: Io;
  /** for backends without a pollable fd: an epoll set mirroring their interest */
  private wakeSet: Backend | null = null;
  private handle: NodePollHandle | null = null;
  private handleFd = -1;

  /** monotonic deadline the timerfd is armed for; Infinity when disarmed */
  private armedAt = Number.POSITIVE_INFINITY;
  private running = false;
  private waiting = false;
  private flags = 0;
  private immediateQueued = false;
  private rearmQueued = false;
  private resolve: (stillActive: boolean) => void = () => {};
  private reject: (err: unknown) => void = () => {};

  private readonly stepBound = (): void => this.step();
  private readonly rearmBound = (): void => this.rearm();

  constructor(loop: Loop) {
    this.loop = loop;
    this.timerFd = timerfdCreate();
    const fd = this.timerFd;
    this.timerIo = new Io(loop, fd, EV.READ, () => timerfdDrain(fd));
    this.timerIo.priority = MAXPRI;
    if (loop._backend.pollFd < 0) {
      this.wakeSet = new EpollBackend(ignoreEvents);
      for (let fd = 0; fd < loop._fdWatchers.length; fd++) {
        const want = loop.fdWanted(fd);
        if (want) this.wakeSet.modify(fd, 0, want);
      }
    }
  }

  start(flags: number): Promise<boolean> {
    if (this.running)
      throw new Error("this loop is already being hosted; await the running host() first");
    const loop = this.loop;
    this.running = true;
    this.flags = flags;
    loop._enter();
    if (!this.timerIo.active) {
      this.timerIo.start();
      loop.unref();
    }
    this.ensureHandle();
    return new Promise<boolean>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      try {
        loop.invokePending();
        this.schedule();
      } catch (err) {
        this.finish(err);
      }
    });
  }

  /** Something needs an iteration soon (break(), an event fed from outside). */
  wake(): void {
    if (this.running && this.waiting) this.queueStep();
  }

  /** A watcher changed; if Node is waiting, apply it before Node waits on. */
  touch(): void {
    if (this.waiting && !this.rearmQueued) {
      this.rearmQueued = true;
      queueMicrotask(this.rearmBound);
    }
  }

  /** Keeps the wake-up epoll set of a poll/select loop in step with the loop's interest. */
  mirror(fd: number, oldEvents: number, newEvents: number): void {
    this.wakeSet?.modify(fd, oldEvents, newEvents);
  }

  /** After loop.fork(): the backend's epoll set is new, so Node must watch the new one. */
  forked(): void {
    if (this.wakeSet) {
      this.wakeSet.fork();
      for (let fd = 0; fd < this.loop._fdWatchers.length; fd++) {
        const want = this.loop.fdWanted(fd);
        if (want) this.wakeSet.modify(fd, 0, want);
      }
    }
    if (this.handle) {
      this.handle.close();
      this.handle = null;
    }
    if (this.running) this.ensureHandle();
  }

  close(): void {
    this.handle?.close();
    this.handle = null;
    this.wakeSet?.destroy();
    this.wakeSet = null;
    close(this.timerFd);
  }

  private ensureHandle(): void {
    const fd = this.wakeSet ? this.wakeSet.pollFd : this.loop._backend.pollFd;
    if (this.handle && this.handleFd === fd) {
      this.handle.start({ readable: true }, this.stepBound);
      return;
    }
    this.handle?.close();
    this.handleFd = fd;
    this.handle = nodePoll(fd, { readable: true }, this.stepBound);
  }

  private queueStep(): void {
    if (this.immediateQueued) return;
    this.immediateQueued = true;
    setImmediate(this.stepBound);
  }

  /** Decides how the next iteration is triggered: right away, or when Node wakes us. */
  private schedule(): void {
    const loop = this.loop;
    loop._fdReify();
    let wait = loop._blockTime(this.flags);
    if (
      loop._done !== BREAK.CANCEL ||
      loop.pendingCount > 0 ||
      loop._backend.alwaysReadyCount > 0
    ) {
      wait = 0;
    }
    if (wait <= 0) {
      this.waiting = false;
      this.arm(Number.POSITIVE_INFINITY);
      this.queueStep();
      return;
    }
    // Without timers the wait is only libev's MAX_BLOCKTIME cap, which exists to notice clock
    // jumps while blocked; Node does the blocking here, so no wake-up is needed for it.
    this.arm(
      loop._timerCount + loop._periodicCount > 0 ? loop._mnNow + wait : Number.POSITIVE_INFINITY,
    );
    this.waiting = true;
  }

  /** Arms the timerfd for a monotonic deadline, skipping the syscall when it is unchanged. */
  private arm(deadline: number): void {
    if (deadline === this.armedAt) return;
    // A deadline later than the pending wake-up can wait for it: that early wake-up runs an
    // empty iteration and re-arms. Servers move their timeouts forward on every request,
    // so this saves a timerfd_settime per iteration.
    if (deadline > this.armedAt && this.armedAt > this.loop._mnNow) return;
    this.armedAt = deadline;
    timerfdArm(
      this.timerFd,
      deadline === Number.POSITIVE_INFINITY ? -1 : Math.max(0, deadline - monotonic()),
    );
  }

  private rearm(): void {
    this.rearmQueued = false;
    if (this.running && this.waiting) this.schedule();
  }

  private step(): void {
    this.immediateQueued = false;
    if (!this.running) return;
    this.waiting = false;
    const loop = this.loop;
    try {
      if (!loop._iterate(this.flags, true) || !loop._shouldContinue(this.flags)) {
        this.finish(undefined);
        return;
      }
      this.schedule();
    } catch (err) {
      this.finish(err);
    }
  }

  private finish(err: unknown): void {
    const loop = this.loop;
    this.running = false;
    this.waiting = false;
    this.handle?.stop();
    this.arm(Number.POSITIVE_INFINITY);
    if (this.timerIo.active) {
      loop.ref();
      this.timerIo.stop();
    }
    loop._leave();
    if (err !== undefined) this.reject(err);
    else this.resolve(loop._activeCount > 0);
  }
}
