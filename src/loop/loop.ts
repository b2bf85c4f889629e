/**
 * The event loop, with libev's semantics (ev.pod is the reference, DESIGN.md "The loop" the
 * walk-through). One Loop owns a kernel readiness backend, the pending queues (one per
 * priority), the fd table, the timer and periodic heaps and the watcher arrays.
 *
 * Structures mirror ev.c so that the observable order of callbacks is libev's:
 * - pending: per priority an array of (watcher, revents) slots, filled in order and popped
 *   from the end; feeding an already pending watcher ORs into its slot; clearing a pending
 *   watcher neutralises its slot instead of moving others.
 * - fds: per fd the list of Io watchers; newest first when events are queued. Interest changes
 *   are collected and handed to the backend once per iteration (fd_reify).
 * - timers on the monotonic clock and periodics on the realtime clock, in 4-ary heaps.
 * - prepare/check/idle/fork/cleanup watchers in arrays in start order.
 */

import { Host } from "./_host.js";
import { SignalSource } from "./_signals.js";
import type { Backend, BackendName, BackendSink } from "./backend/backend.js";
import { EpollBackend } from "./backend/epoll.js";
import { PollBackend } from "./backend/poll.js";
import { SelectBackend } from "./backend/select.js";
import { monotonic, realtime, sleep } from "./clock.js";
import { BREAK, EV, MAX_BLOCKTIME, MIN_TIMEJUMP, MINPRI, NUMPRI, RUN } from "./constants.js";
import { adjustheap, downheap, HEAP0, type HeapNode, reheap, upheap } from "./heap.js";
import type { Idle } from "./idle.js";
import type { Io } from "./io.js";
import type { Periodic } from "./periodic.js";
import type { Timer } from "./timer.js";
import type { Watcher } from "./watcher.js";

export interface LoopOptions {
  /** Kernel readiness API: "epoll" (default), "poll" or "select". */
  backend?: BackendName;
}

/** The reify flag that says the watcher set of an fd changed, not just its mask (EV__IOFDSET). */
const FD_WATCHERS_CHANGED = 0x80;
const FD_REIFY = 0x01;

/** libev's backend_mintime: the shortest wait the backend can express. */
const MINTIME: Record<BackendName, number> = { epoll: 1e-3, poll: 1e-3, select: 1e-6 };

const noop = (): void => {};

/** A fixed watcher that takes the place of a cleared pending one (libev's pending_w). */
class Neutral {
  _pending = 0;
  _cb: (w: never, revents: number) => void = noop;
}

const BACKENDS: Record<BackendName, new (sink: BackendSink) => Backend> = {
  epoll: EpollBackend,
  poll: PollBackend,
  select: SelectBackend,
};

/** A slot of a pending queue: the watcher (or the neutral stand-in) and its revents. */
type PendingWatcher = Pick<Watcher, "_pending" | "_cb">;

export class Loop implements BackendSink {
  /** @internal */ _backend: Backend;
  /** @internal */ _destroyed = false;
  /** @internal number of references (active watchers, plus ref(), minus unref()) */
  _activeCount = 0;
  /** @internal */ _done: number = BREAK.CANCEL;
  private _depth = 0;
  private _iteration = 0;

  // Clocks: libev's mn_now, ev_rt_now, rtmn_diff and now_floor.
  /** @internal */ _mnNow: number;
  /** @internal */ _rtNow: number;
  private _rtmnDiff: number;
  private _nowFloor: number;

  private readonly _pendW: PendingWatcher[][] = [];
  private readonly _pendEv: number[][] = [];
  private readonly _pendCnt: number[] = [];
  private _pendingPri = 0;
  private readonly _neutral = new Neutral();

  /** @internal Io watchers per fd, in start order */
  _fdWatchers: (Io[] | undefined)[] = [];
  /** the mask each fd currently has in the backend */
  private _fdEvents: number[] = [];
  private _fdReifyFlags: number[] = [];
  private _fdChanges: number[] = [];

  /** @internal */ _timers: HeapNode[] = [];
  /** @internal */ _timerCount = 0;
  /** @internal */ _periodics: HeapNode[] = [];
  /** @internal */ _periodicCount = 0;
  private readonly _rfeeds: Watcher[] = [];

  /** @internal idle watchers per priority */
  _idles: Idle[][] = [];
  /** @internal total active idle watchers (idleall) */
  _idleAll = 0;
  /** @internal */ _prepares: Watcher[] = [];
  /** @internal */ _checks: Watcher[] = [];
  /** @internal */ _forks: Watcher[] = [];
  /** @internal */ _cleanups: Watcher[] = [];
  /** @internal closers for internal fds (async eventfds, pidfds) to run at destroy */
  _closers = new Set<() => void>();
  private _postfork = false;

  private _ioBlocktime = 0;
  private _timeoutBlocktime = 0;

  /** @internal signalfd plumbing, created on the first Signal watcher */
  _signals: SignalSource | null = null;
  /** @internal hosted-mode driver, created on the first host() */
  _host: Host | null = null;

  constructor(options: LoopOptions = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`Loop options must be an object, got ${String(options)}`);
    }
    const name = options.backend ?? "epoll";
    const Backend = Object.hasOwn(BACKENDS, name) ? BACKENDS[name] : undefined;
    if (!Backend) {
      throw new TypeError(`unknown backend "${String(name)}": use "epoll", "poll" or "select"`);
    }
    this._backend = new Backend(this);
    for (let i = 0; i < NUMPRI; i++) {
      this._pendW.push([]);
      this._pendEv.push([]);
      this._pendCnt.push(0);
      this._idles.push([]);
    }
    this._mnNow = monotonic();
    this._rtNow = realtime();
    this._rtmnDiff = this._rtNow - this._mnNow;
    this._nowFloor = this._mnNow;
  }

  // ---------------------------------------------------------------- introspection

  /** The backend in use: "epoll", "poll" or "select". */
  get backend(): BackendName {
    return this._backend.name;
  }

  /** How many times the loop has polled for events (ev_iteration). */
  get iteration(): number {
    return this._iteration;
  }

  /** How many run()/host() calls are in progress on this loop (ev_depth). */
  get depth(): number {
    return this._depth;
  }

  /** Number of pending slots, including neutralised ones (ev_pending_count). */
  get pendingCount(): number {
    let n = 0;
    for (let i = 0; i < NUMPRI; i++) n += this._pendCnt[i]!;
    return n;
  }

  /** The loop's idea of the current time in seconds since the epoch (ev_now). */
  now(): number {
    return this._rtNow;
  }

  /** Re-reads the clocks (ev_now_update). */
  updateNow(): void {
    this._timeUpdate();
  }

  // ---------------------------------------------------------------- running

  /**
   * Owned mode (ev_run): blocks this thread in the backend until no active watchers are
   * left, break() is called, or after one iteration with RUN.ONCE / RUN.NOWAIT. Returns true
   * when it stopped while watchers were still active.
   *
   * @example
   * const loop = new Loop();
   * new Timer(loop, 0.01, 0, () => console.log("tick")).start();
   * loop.run();
   */
  run(flags: number = RUN.DEFAULT): boolean {
    this._checkRunnable(flags);
    this._enter();
    try {
      this.invokePending();
      do {
        if (!this._iterate(flags, false)) break;
      } while (this._shouldContinue(flags));
    } finally {
      this._leave();
    }
    return this._activeCount > 0;
  }

  /** @internal the start of ev_run: one level deeper, break state reset */
  _enter(): void {
    this._depth++;
    this._done = BREAK.CANCEL;
  }

  /** @internal the end of ev_run: BREAK.ONE is used up, BREAK.ALL stays for outer levels */
  _leave(): void {
    if (this._done === BREAK.ONE) this._done = BREAK.CANCEL;
    this._depth--;
  }

  /** @internal true while a run()/host() should go on after an iteration */
  _shouldContinue(flags: number): boolean {
    return (
      this._activeCount > 0 && this._done === BREAK.CANCEL && !(flags & (RUN.ONCE | RUN.NOWAIT))
    );
  }

  /**
   * Hosted mode: the same iterations, driven by Node's own event loop, so promises, Node
   * timers and Node I/O keep working inside callbacks. Resolves like run() returns; rejects
   * with the error a callback threw.
   *
   * @example
   * const loop = new Loop();
   * new Timer(loop, 0.01, 0, async () => { await fetchSomething(); }).start();
   * await loop.host();
   */
  host(flags: number = RUN.DEFAULT): Promise<boolean> {
    this._checkRunnable(flags);
    this._host ??= new Host(this);
    return this._host.start(flags);
  }

  /** Makes the innermost (BREAK.ONE) or every (BREAK.ALL) running run()/host() return. */
  break(how: number = BREAK.ONE): void {
    if (how !== BREAK.CANCEL && how !== BREAK.ONE && how !== BREAK.ALL) {
      throw new RangeError(
        `break mode must be BREAK.CANCEL, BREAK.ONE or BREAK.ALL, got ${String(how)}`,
      );
    }
    this._done = how;
    this._host?.wake();
  }

  /** Adds a reference: run() keeps going while references remain (ev_ref). */
  ref(): void {
    this._activeCount++;
  }

  /** Drops a reference, e.g. after starting a watcher that should not keep run() alive. */
  unref(): void {
    this._activeCount--;
  }

  /**
   * Stops time for the loop (ev_suspend): until resume(), timers do not advance, as if the
   * process had been frozen.
   */
  suspend(): void {
    this._timeUpdate();
  }

  /** Resumes after suspend(): relative timers are shifted by the time spent suspended. */
  resume(): void {
    const before = this._mnNow;
    this._timeUpdate();
    const shift = this._mnNow - before;
    for (let i = 0; i < this._timerCount; i++) this._timers[i + HEAP0]!._at += shift;
    this._periodicsReschedule();
  }

  /** Wait at least this long in each poll so that more I/O collects per iteration. */
  setIoCollectInterval(seconds: number): void {
    this._ioBlocktime = checkInterval(seconds, "io collect interval");
  }

  /** Let timer deadlines this close together be handled in one wake-up. */
  setTimeoutCollectInterval(seconds: number): void {
    this._timeoutBlocktime = checkInterval(seconds, "timeout collect interval");
  }

  /** Tells the loop that the process forked: fork watchers run and kernel state is rebuilt. */
  fork(): void {
    this._checkAlive();
    this._postfork = true;
  }

  /**
   * Runs the Cleanup watchers, then releases everything the loop holds in the kernel (its
   * epoll set, signalfd, internal descriptors). The loop cannot be used afterwards.
   */
  destroy(): void {
    if (this._destroyed) return;
    if (this._depth > 0) throw new Error("cannot destroy a loop while it is running");
    if (this._cleanups.length > 0) {
      this._queue(this._cleanups, EV.CLEANUP);
      this.invokePending();
    }
    this._destroyed = true;
    this._host?.close();
    this._signals?.close();
    for (const close of this._closers) close();
    this._closers.clear();
    this._backend.destroy();
    this._deactivateAll();
  }

  // ---------------------------------------------------------------- pending queue

  /** Queues `w` as if `revents` had happened to it (ev_feed_event). */
  feedEvent(w: Watcher, revents: number): void {
    if (w === null || typeof w !== "object" || w.loop !== this) {
      throw new TypeError("feedEvent needs a watcher of this loop");
    }
    this._feed(w, revents | 0);
    this._host?.wake();
  }

  /** Queues `revents` for every Io watcher on `fd` that wants them (ev_feed_fd_event). */
  feedFdEvent(fd: number, revents: number): void {
    if (!Number.isInteger(fd) || fd < 0)
      throw new TypeError(`fd must be a non-negative integer, got ${String(fd)}`);
    this._fdEventNoCheck(fd, revents | 0);
    this._host?.wake();
  }

  /** Queues every Signal watcher for `signum` as if the signal had arrived. */
  feedSignalEvent(signum: number): void {
    this._signals?.feed(signum);
    this._host?.wake();
  }

  /** Removes `w` from the pending queue; returns the revents it had, or 0 (ev_clear_pending). */
  clearPending(w: Watcher): number {
    const slot = w._pending;
    if (slot === 0) return 0;
    const pri = w._priority - MINPRI;
    this._pendW[pri]![slot - 1] = this._neutral;
    w._pending = 0;
    return this._pendEv[pri]![slot - 1]!;
  }

  /** Calls the watcher's callback now, with `revents` (ev_invoke). */
  invoke(w: Watcher, revents: number): void {
    w._cb(w as never, revents);
  }

  /** Invokes every pending watcher, highest priority first (ev_invoke_pending). */
  invokePending(): void {
    const ws = this._pendW;
    const evs = this._pendEv;
    const counts = this._pendCnt;
    this._pendingPri = NUMPRI;
    do {
      this._pendingPri--;
      // A callback may feed a higher priority, which resets _pendingPri: re-read each time.
      for (let pri = this._pendingPri; counts[pri]! > 0; pri = this._pendingPri) {
        const slot = --counts[pri]!;
        const w = ws[pri]![slot]!;
        ws[pri]![slot] = this._neutral;
        w._pending = 0;
        w._cb(w as never, evs[pri]![slot]!);
      }
    } while (this._pendingPri > 0);
  }

  /** @internal ev_feed_event without argument checks */
  _feed(w: PendingWatcher & { _priority: number }, revents: number): void {
    const pri = w._priority - MINPRI;
    if (w._pending !== 0) {
      this._pendEv[pri]![w._pending - 1]! |= revents;
    } else {
      const slot = this._pendCnt[pri]!++;
      w._pending = slot + 1;
      this._pendW[pri]![slot] = w;
      this._pendEv[pri]![slot] = revents;
    }
    this._pendingPri = NUMPRI - 1;
  }

  /** @internal queue_events: feed every watcher of an array, in array order */
  _queue(watchers: readonly Watcher[], revents: number): void {
    for (let i = 0; i < watchers.length; i++) this._feed(watchers[i]!, revents);
  }

  // ---------------------------------------------------------------- watcher bookkeeping

  /** @internal ev_start: marks the watcher active at `slot` and takes a reference */
  _start(w: Watcher, slot: number): void {
    if (this._destroyed)
      throw new Error(`cannot start a ${w.constructor.name} on a destroyed loop`);
    w._active = slot;
    this._activeCount++;
    this._host?.touch();
  }

  /** @internal ev_stop */
  _stop(w: Watcher): void {
    w._active = 0;
    this._activeCount--;
    this._host?.touch();
  }

  /** @internal start a watcher kept in a plain array (prepare, check, fork, cleanup) */
  _arrayStart(list: Watcher[], w: Watcher): void {
    if (w._active !== 0) return;
    this._start(w, list.length + 1);
    list.push(w);
  }

  /** @internal */
  _arrayStop(list: Watcher[], w: Watcher): void {
    this.clearPending(w);
    if (w._active === 0) return;
    const last = list.pop()!;
    if (last !== w) {
      list[w._active - 1] = last;
      last._active = w._active;
    }
    this._stop(w);
  }

  // ---------------------------------------------------------------- fds

  /** @internal fd_change: remember to recompute the fd's kernel interest before polling */
  _fdChange(fd: number, flags: number): void {
    const old = this._fdReifyFlags[fd] ?? 0;
    this._fdReifyFlags[fd] = old | flags;
    if (old === 0) this._fdChanges.push(fd);
  }

  /** @internal fd_reify: hand the collected interest changes to the backend */
  _fdReify(): void {
    const changes = this._fdChanges;
    if (changes.length === 0) return;
    for (let i = 0; i < changes.length; i++) {
      const fd = changes[i]!;
      const flags = this._fdReifyFlags[fd]!;
      this._fdReifyFlags[fd] = 0;
      const list = this._fdWatchers[fd];
      let want = 0;
      if (list) for (let j = 0; j < list.length; j++) want |= list[j]!.events;
      const had = this._fdEvents[fd] ?? 0;
      this._fdEvents[fd] = want;
      if (want !== had || flags & FD_WATCHERS_CHANGED) {
        this._backend.modify(fd, had, want);
        this._host?.mirror(fd, had, want);
      }
    }
    changes.length = 0;
  }

  /** @internal BackendSink */
  fdWanted(fd: number): number {
    return this._fdEvents[fd] ?? 0;
  }

  /** @internal BackendSink: readiness reported by the backend */
  fdEvent(fd: number, revents: number): void {
    if (this._fdReifyFlags[fd]) return;
    this._fdEventNoCheck(fd, revents);
  }

  private _fdEventNoCheck(fd: number, revents: number): void {
    const list = this._fdWatchers[fd];
    if (!list) return;
    // libev keeps each fd's watchers in a list it prepends to: newest first.
    for (let i = list.length - 1; i >= 0; i--) {
      const w = list[i]!;
      const ev = w.events & revents;
      if (ev) this._feed(w, ev);
    }
  }

  /** @internal BackendSink: the fd is not open; stop its watchers with EV.ERROR (fd_kill) */
  fdKill(fd: number): void {
    const list = this._fdWatchers[fd];
    while (list && list.length > 0) {
      const w = list[list.length - 1]!;
      w.stop();
      this._feed(w, EV.ERROR | EV.READ | EV.WRITE);
    }
  }

  /** @internal fd_change flags for Io watchers */
  static readonly FD_WATCHERS_CHANGED = FD_WATCHERS_CHANGED | FD_REIFY;
  static readonly FD_REIFY = FD_REIFY;

  // ---------------------------------------------------------------- timers

  /** @internal feed_reverse: remember expired watchers to feed them in reverse */
  _feedReverse(w: Watcher): void {
    this._rfeeds.push(w);
  }

  private _feedReverseDone(revents: number): void {
    const r = this._rfeeds;
    while (r.length > 0) this._feed(r.pop()!, revents);
  }

  private _timersReify(): void {
    const heap = this._timers;
    const now = this._mnNow;
    while (this._timerCount > 0 && heap[HEAP0]!._at < now) {
      do {
        const w = heap[HEAP0] as Timer;
        if (w.repeat) {
          w._at += w.repeat;
          if (w._at < now) w._at = now;
          downheap(heap, this._timerCount, HEAP0);
        } else {
          w.stop();
        }
        this._feedReverse(w);
      } while (this._timerCount > 0 && heap[HEAP0]!._at < now);
      this._feedReverseDone(EV.TIMER);
    }
  }

  private _periodicsReify(): void {
    const heap = this._periodics;
    while (this._periodicCount > 0 && heap[HEAP0]!._at < this._rtNow) {
      do {
        const w = heap[HEAP0] as Periodic;
        if (w.reschedule || w.interval) {
          w._recalc(this._rtNow);
          downheap(heap, this._periodicCount, HEAP0);
        } else {
          w.stop();
        }
        this._feedReverse(w);
      } while (this._periodicCount > 0 && heap[HEAP0]!._at < this._rtNow);
      this._feedReverseDone(EV.PERIODIC);
    }
  }

  /** After a time jump, every repeating periodic recomputes its next time. */
  private _periodicsReschedule(): void {
    const heap = this._periodics;
    for (let i = HEAP0; i < this._periodicCount + HEAP0; i++) {
      const w = heap[i] as Periodic;
      if (w.reschedule || w.interval) w._recalc(this._rtNow);
    }
    reheap(heap, this._periodicCount);
  }

  /** @internal heap insert shared by Timer and Periodic */
  _heapInsert(heap: HeapNode[], count: number, w: Watcher & HeapNode): void {
    this._start(w, count + HEAP0 - 1);
    heap[w._active] = w;
    upheap(heap, w._active);
  }

  /** @internal heap removal shared by Timer and Periodic; `count` is the new count */
  _heapRemove(heap: HeapNode[], count: number, w: Watcher & HeapNode): void {
    const slot = w._active;
    if (slot < count + HEAP0) {
      heap[slot] = heap[count + HEAP0]!;
      adjustheap(heap, count, slot);
    }
    heap[count + HEAP0] = undefined as unknown as HeapNode;
    this._stop(w);
  }

  // ---------------------------------------------------------------- time

  private _timeUpdate(): void {
    const before = this._rtmnDiff;
    this._mnNow = monotonic();
    // The realtime clock is only read every half MIN_TIMEJUMP; in between it is derived.
    if (this._mnNow - this._nowFloor < MIN_TIMEJUMP * 0.5) {
      this._rtNow = this._rtmnDiff + this._mnNow;
      return;
    }
    this._nowFloor = this._mnNow;
    this._rtNow = realtime();
    for (let i = 0; i < 3; i++) {
      this._rtmnDiff = this._rtNow - this._mnNow;
      const drift = before - this._rtmnDiff;
      if (drift < MIN_TIMEJUMP && drift > -MIN_TIMEJUMP) return;
      this._rtNow = realtime();
      this._mnNow = monotonic();
      this._nowFloor = this._mnNow;
    }
    // The realtime clock jumped: relative timers are unaffected, periodics move.
    this._rtmnDiff = this._rtNow - this._mnNow;
    this._periodicsReschedule();
  }

  /** @internal how long the next poll may block, from the run flags and the heaps */
  _blockTime(flags: number): number {
    if (flags & RUN.NOWAIT || this._idleAll > 0 || this._activeCount <= 0) return 0;
    let wait = MAX_BLOCKTIME;
    if (this._timerCount > 0) {
      const to = this._timers[HEAP0]!._at - this._mnNow;
      if (wait > to) wait = to;
    }
    if (this._periodicCount > 0) {
      const to = this._periodics[HEAP0]!._at - this._rtNow;
      if (wait > to) wait = to;
    }
    if (wait < this._timeoutBlocktime) wait = this._timeoutBlocktime;
    const mintime = MINTIME[this._backend.name];
    if (wait < mintime) wait = wait <= 0 ? 0 : mintime;
    return wait;
  }

  // ---------------------------------------------------------------- one iteration

  /**
   * @internal One pass of ev_run's loop body. Returns false when break() was seen after the
   * prepare watchers, before polling. Hosted mode passes `hosted` so the poll never blocks:
   * Node did the waiting.
   */
  _iterate(flags: number, hosted: boolean): boolean {
    if (this._postfork && this._forks.length > 0) {
      this._queue(this._forks, EV.FORK);
      this.invokePending();
    }
    if (this._prepares.length > 0) {
      this._queue(this._prepares, EV.PREPARE);
      this.invokePending();
    }
    if (this._done !== BREAK.CANCEL) return false;
    if (this._postfork) this._loopFork();
    this._fdReify();

    const mnBefore = this._mnNow;
    this._timeUpdate();
    let wait = hosted ? 0 : this._blockTime(flags);
    let slept = 0;
    if (wait > 0 && this._ioBlocktime > 0) {
      slept = this._ioBlocktime - (this._mnNow - mnBefore);
      const mintime = MINTIME[this._backend.name];
      if (slept > wait - mintime) slept = wait - mintime;
      if (slept > 0) {
        sleep(slept);
        wait -= slept;
      } else slept = 0;
    }
    this._iteration++;
    this._backend.poll(wait);
    this._timeUpdate();

    this._timersReify();
    this._periodicsReify();
    this._idleReify();
    if (this._checks.length > 0) this._queue(this._checks, EV.CHECK);
    this.invokePending();
    return true;
  }

  /** Idle watchers run only when nothing of a higher priority is pending (idle_reify). */
  private _idleReify(): void {
    if (this._idleAll === 0) return;
    for (let pri = NUMPRI - 1; pri >= 0; pri--) {
      if (this._pendCnt[pri]! > 0) break;
      const idles = this._idles[pri]!;
      if (idles.length > 0) {
        this._queue(idles, EV.IDLE);
        break;
      }
    }
  }

  private _loopFork(): void {
    this._postfork = false;
    this._backend.fork();
    this._host?.forked();
    for (let fd = 0; fd < this._fdWatchers.length; fd++) {
      if (this._fdEvents[fd]) {
        this._fdEvents[fd] = 0;
        this._fdChange(fd, FD_WATCHERS_CHANGED | FD_REIFY);
      }
    }
  }

  // ---------------------------------------------------------------- checks

  /** @internal */
  _checkAlive(): void {
    if (this._destroyed) throw new Error("this loop has been destroyed");
  }

  private _checkRunnable(flags: number): void {
    this._checkAlive();
    if (!Number.isInteger(flags) || flags < 0 || flags & ~(RUN.NOWAIT | RUN.ONCE)) {
      throw new RangeError(
        `run flags must be a combination of RUN.NOWAIT and RUN.ONCE, got ${String(flags)}`,
      );
    }
  }

  /** @internal the Signal watchers' plumbing, created on first use */
  _signalSource(): SignalSource {
    this._signals ??= new SignalSource(this);
    return this._signals;
  }

  private _deactivateAll(): void {
    const stopAll = (list: { _active: number; _pending: number }[]): void => {
      for (const w of list)
        if (w) {
          w._active = 0;
          w._pending = 0;
        }
    };
    for (const list of this._fdWatchers) if (list) stopAll(list);
    stopAll(this._timers.slice(HEAP0, HEAP0 + this._timerCount) as unknown as Watcher[]);
    stopAll(this._periodics.slice(HEAP0, HEAP0 + this._periodicCount) as unknown as Watcher[]);
    for (const list of this._idles) stopAll(list);
    stopAll(this._prepares);
    stopAll(this._checks);
    stopAll(this._forks);
    stopAll(this._cleanups);
    for (let pri = 0; pri < NUMPRI; pri++) {
      for (let i = 0; i < this._pendCnt[pri]!; i++) this._pendW[pri]![i]!._pending = 0;
      this._pendCnt[pri] = 0;
    }
    this._fdWatchers = [];
    this._timers = [];
    this._timerCount = 0;
    this._periodics = [];
    this._periodicCount = 0;
    this._idles = this._idles.map(() => []);
    this._idleAll = 0;
    this._prepares = [];
    this._checks = [];
    this._forks = [];
    this._cleanups = [];
    this._activeCount = 0;
  }

  /**
   * Checks the loop's internal invariants (ev_verify) and throws an Error describing the
   * first one that does not hold. Meant for tests and debugging.
   */
  verify(): void {
    const fail = (what: string): never => {
      throw new Error(`loop invariant violated: ${what}`);
    };
    const checkHeap = (heap: HeapNode[], count: number, name: string): void => {
      for (let i = HEAP0; i < count + HEAP0; i++) {
        const node = heap[i];
        if (!node) fail(`${name} heap slot ${i} is empty`);
        if (node!._active !== i) fail(`${name} at heap slot ${i} records slot ${node!._active}`);
        const parent = (((i - HEAP0 - 1) / 4) | 0) + HEAP0;
        if (i > HEAP0 && heap[parent]!._at > node!._at)
          fail(`${name} heap order broken at slot ${i}`);
      }
    };
    checkHeap(this._timers, this._timerCount, "timer");
    checkHeap(this._periodics, this._periodicCount, "periodic");
    for (let pri = 0; pri < NUMPRI; pri++) {
      for (let i = 0; i < this._pendCnt[pri]!; i++) {
        const w = this._pendW[pri]![i]!;
        if (w !== this._neutral && w._pending !== i + 1) {
          fail(
            `pending slot ${i} of priority ${pri + MINPRI} holds a watcher that thinks it is at ${w._pending - 1}`,
          );
        }
      }
    }
    const checkArray = (list: Watcher[], name: string): void => {
      list.forEach((w, i) => {
        if (w._active !== i + 1) fail(`${name} watcher at ${i} records slot ${w._active - 1}`);
      });
    };
    checkArray(this._prepares, "prepare");
    checkArray(this._checks, "check");
    checkArray(this._forks, "fork");
    checkArray(this._cleanups, "cleanup");
    this._idles.forEach((list, pri) => {
      checkArray(list, `idle (priority ${pri + MINPRI})`);
    });
    let idles = 0;
    for (const list of this._idles) idles += list.length;
    if (idles !== this._idleAll) fail(`idle count ${this._idleAll} but ${idles} idle watchers`);
    this._fdWatchers.forEach((list, fd) => {
      for (const w of list ?? [])
        if (w.fd !== fd || !w.active) fail(`Io watcher listed on fd ${fd} is not active on it`);
    });
  }
}

function checkInterval(seconds: number, what: string): number {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`${what} must be a finite number of seconds >= 0, got ${String(seconds)}`);
  }
  return seconds;
}
